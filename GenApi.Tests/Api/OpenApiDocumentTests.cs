using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenApi.Tests.Api;

public sealed class OpenApiDocumentTests
{
    private static string CheckedIn => Path.Combine(TestPaths.RepositoryRoot, "openapi", "v1.json");

    /// <summary>Set UPDATE_OPENAPI=1 to rewrite openapi/v1.json from the served document.</summary>
    [Fact]
    public async Task ServedDocument_EqualsTheCheckedInOne()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var served = Normalize(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(CheckedIn, served);

        Assert.True(File.Exists(CheckedIn), "openapi/v1.json is missing: run the tests once with UPDATE_OPENAPI=1.");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(CheckedIn)), served);
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var html = await app.CreateClient().GetStringAsync("/swagger/index.html");
        Assert.Contains("swagger-ui", html);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
}
