using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace GenApi.Tests.Api;

public sealed class KeysCommandTests
{
    [Fact]
    public async Task KeysCreate_PrintsAKey_ThatTheApiAccepts()
    {
        var data = TestPaths.NewScratch();
        var start = new ProcessStartInfo("dotnet", [TestPaths.BuiltAssembly("GenApi"), "keys", "create", "--team", "cli-team"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(TestPaths.BuiltAssembly("GenApi"))!,
        };
        start.Environment["Storage__DataDirectory"] = data;
        start.Environment["Worker__Device"] = "cpu";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        var key = output.Split('\t')[0].Trim();
        Assert.StartsWith("gk_", key);

        await using var app = new GenApiFactory(data, embeddedWorker: false, settings: new Dictionary<string, string> { ["Auth:Enabled"] = "true" });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/jobs")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/jobs")).StatusCode);
    }
}
