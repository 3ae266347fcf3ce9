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

    // Swagger UI's "Try it out" sends the schema's example as it stands: it must be a job the server accepts.
    [Fact]
    public async Task TheDocumentedJobExample_IsAccepted()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var example = document["components"]!["schemas"]!["CreateJobRequest"]!["example"]!.ToJsonString();
        var response = await client.PostAsync("/v1/jobs", new StringContent(example, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        // The auth text shows in the UI (no "<key>" swallowed as HTML), and the description is not stuck at DCGAN.
        var description = document["info"]!["description"]!.GetValue<string>();
        Assert.DoesNotContain("<", description);
        Assert.DoesNotContain("(DCGAN)", description);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
}
