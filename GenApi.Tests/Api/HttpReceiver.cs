using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GenApi.Tests.Api;

/// <summary>A throw-away HTTP server on a free loopback port (webhook receivers, an OTLP collector).</summary>
public sealed class HttpReceiver(WebApplication app, string url) : IAsyncDisposable
{
    public string Url { get; } = url;

    public ValueTask DisposeAsync() => app.DisposeAsync();

    public static async Task<HttpReceiver> StartAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpReceiver(app, url);
    }
}
