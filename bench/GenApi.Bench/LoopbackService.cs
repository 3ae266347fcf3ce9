using GenApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenApi.Bench;

/// <summary>The real service in embedded mode on a loopback port with its own data directory, and a client for it.</summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private LoopbackService(WebApplication app, HttpClient client) => (App, Client) = (app, client);

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<LoopbackService> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var data = Directory.CreateTempSubdirectory("genapi-bench-service");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["Storage:DataDirectory"] = data.FullName;
        builder.Configuration["Worker:Device"] = "cpu";
        builder.Configuration["RateLimits:JobsPerMinute"] = "100000";
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGenApi();
        var app = builder.Build();
        app.UseGenApi();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackService(app, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) });
    }

    /// <summary>The service's data directory.</summary>
    public string DataDirectory => App.Configuration["Storage:DataDirectory"]!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        var data = DataDirectory;
        await App.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }
}
