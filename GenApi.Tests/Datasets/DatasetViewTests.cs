using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;

namespace GenApi.Tests.Datasets;

/// <summary>Dataset views (<c>{dataset}:{classes}[:{count}]</c>): the classes kept and relabelled, the first images of the training
/// split, every test image of the classes; through the API, with bad views named.</summary>
public sealed class DatasetViewTests
{
    [Fact]
    public void AView_KeepsItsClassesInTheOrderGiven_AndTheFirstImagesOfTheTrainingSplitOnly()
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions(), TestPaths.NewScratch());
        var full = catalog.Load("synthetic");
        var squaresFirst = catalog.Load("synthetic:square,circle:25");
        Assert.Equal((25L, 2), (squaresFirst.Count, squaresFirst.ClassCount));
        Assert.Equal(["square", "circle"], catalog.Describe("synthetic:square,circle")!.ClassNames);
        // Image i of the view is the i-th square or circle of the full split, its label 0 for a square (full label 1), 1 for a circle (0).
        var fullLabels = full.Labels.data<long>().ToArray();
        var kept = Enumerable.Range(0, fullLabels.Length).Where(i => fullLabels[i] is 0 or 1).Take(25).ToArray();
        var viewLabels = squaresFirst.Labels.data<long>().ToArray();
        for (var i = 0; i < kept.Length; i++)
        {
            Assert.Equal(fullLabels[kept[i]] == 1 ? 0 : 1, viewLabels[i]);
            Assert.True(full.Images[kept[i]].allclose(squaresFirst.Images[i], rtol: 0, atol: 0));
        }
        // The test split keeps every image of the classes; a second load is the cached one.
        var test = catalog.Load("synthetic:square,circle:25", test: true);
        var fullTest = catalog.Load("synthetic", test: true).Labels.data<long>().ToArray();
        Assert.Equal(fullTest.Count(l => l is 0 or 1), test.Count);
        Assert.Same(squaresFirst, catalog.Load("synthetic:square,circle:25"));
        Assert.Equal(full.Count, catalog.Load("synthetic:*").Count);
    }

    [Theory]
    [InlineData("synthetic:triangle", "no class 'triangle'")]
    [InlineData("synthetic:circle,circle", "repeated")]
    [InlineData("synthetic:circle:0", "between 1 and")]
    [InlineData("synthetic:circle:ten", "between 1 and")]
    [InlineData("synthetic:a:b:c", "not a dataset view")]
    [InlineData("nowhere:circle", "Unknown dataset 'nowhere'")]
    [InlineData("synthetic:circle:5:", "not a dataset view")]
    public async Task BadViews_Are400sNamingTheDataset(string view, string words)
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var errors = await BadInputTests.ValidationErrorsAsync(await app.CreateClient().PostAsJsonAsync("/v1/jobs", new { dataset = view, steps = 2 }));
        Assert.Contains(words, errors["dataset"][0]);
    }

    [Fact]
    public async Task AJobOnAView_TrainsAndEvaluatesOnThoseClasses_AgainAndAgain_AndAnUploadsViewIsItsTeamsOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string> { ["Auth:Enabled"] = "true", ["Evaluation:Samples"] = "100" });
        var admin = app.CreateClient();
        var (owner, other) = (await app.ClientForTeamAsync(admin, "viewers"), await app.ClientForTeamAsync(admin, "strangers"));
        foreach (var view in new[] { "synthetic:cross,circle:40", "synthetic:cross,square" })
        {
            var job = await app.PostJobAsync(owner, new
            {
                model = "cdcgan", dataset = view, steps = 2, batchSize = 8, baseChannels = 4, latentDim = 8, checkpointEvery = 2, sampleEvery = 2, evaluate = true,
            });
            var done = await GenApiFactory.WaitForFinishAsync(owner, job.Id, TimeSpan.FromMinutes(3));
            Assert.True(done.Status == JobStatus.Succeeded, done.Error);
            var model = (await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
            Assert.Equal((view, 2), (model.Dataset, model.Classes));
            var metrics = await owner.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/jobs/{done.Id}/metrics", GenApiFactory.Json);
            Assert.True(metrics.GetProperty("evaluations").GetArrayLength() >= 1);
        }
        var upload = await DatasetUploadTests.UploadAsync(owner, DatasetUploadTests.Zip(Enumerable.Range(0, 8)
            .Select(i => ($"{(i % 2 == 0 ? "a" : "b")}/{i}.png", DatasetUploadTests.Png(28, 28, new SkiaSharp.SKColor((byte)(30 * i), 0, 0)))).ToArray()));
        var id = (await upload.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!.Id;
        Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsJsonAsync("/v1/jobs", new { dataset = $"{id}:b", steps = 1, batchSize = 4, baseChannels = 4 })).StatusCode);
        Assert.Contains("Unknown dataset", (await BadInputTests.ValidationErrorsAsync(await other.PostAsJsonAsync("/v1/jobs", new { dataset = $"{id}:b", steps = 1 })))["dataset"][0]);
    }
}
