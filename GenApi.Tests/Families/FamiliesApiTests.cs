using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Tests.Families;

/// <summary><c>GET /v1/families</c> is the registry as the API serves it: what applies, its bounds, and what each preset resolves to.</summary>
public sealed class FamiliesApiTests
{
    [Fact]
    public async Task Families_ListTheRegistry_WithTheFieldsEachTakes_AndPresetsAsAJobResolvesThem()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var families = (await client.GetFromJsonAsync<List<FamilyResponse>>("/v1/families", GenApiFactory.Json))!;
        Assert.Equal(ModelFamilies.Names, families.Select(f => f.Name));
        foreach (var family in families)
            Assert.Equal(ModelFamilies.Find(family.Name)!.Fields.Order(), family.Fields.Select(f => f.Name).Order());

        var dcgan = families.Single(f => f.Name == "dcgan");
        Assert.Equal(["sample"], dcgan.Operations);
        var loss = dcgan.Fields.Single(f => f.Name == "loss");
        Assert.Equal("adversarial", loss.Group);
        Assert.Equal(AdversarialLoss.Kinds, loss.Values!);
        var smoothing = dcgan.Fields.Single(f => f.Name == "labelSmoothing");
        Assert.Equal((0.0, 0.5, true), (smoothing.Minimum, smoothing.Maximum, smoothing.MaximumExclusive));
        Assert.True(dcgan.Fields.Single(f => f.Name == "spectralNorm").ResumeKeeps);
        Assert.DoesNotContain(families.Single(f => f.Name == "gan").Fields, f => f.Name == "spectralNorm");
        var vae = families.Single(f => f.Name == "vae");
        Assert.Equal(["sample", "reconstruct"], vae.Operations);
        Assert.Null(vae.Presets["paper"].Loss);
        Assert.Equal(32, vae.Presets["paper"].LatentDim);
        Assert.Equal(["translate"], families.Single(f => f.Name == "cyclegan").Operations);

        // A preset's values are what a job that sets nothing else resolves to (seed and imageSize are per job).
        foreach (var (name, preset) in new[] { ("wgan-gp", "paper"), ("dcgan", "fast"), ("cvae", "paper") })
        {
            var created = await client.PostAsJsonAsync("/v1/jobs", new { model = name, dataset = "synthetic", preset, seed = 1 });
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            var job = (await created.Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!;
            var listed = families.Single(f => f.Name == name).Presets[preset] with { Seed = 1, ImageSize = job.Hyperparameters.ImageSize };
            Assert.Equal(JsonSerializer.Serialize(job.Hyperparameters, GenApiFactory.Json), JsonSerializer.Serialize(listed, GenApiFactory.Json));
        }
        Assert.Equal(5, families.Single(f => f.Name == "wgan-gp").Presets["paper"].NCritic);

        var one = await client.GetFromJsonAsync<FamilyResponse>("/v1/families/cdcgan", GenApiFactory.Json);
        Assert.True(one!.Conditional);
        var missing = await client.GetAsync("/v1/families/stylegan");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("dcgan", await missing.Content.ReadAsStringAsync());
    }
}
