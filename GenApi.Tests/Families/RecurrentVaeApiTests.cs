using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;
using SkiaSharp;

namespace GenApi.Tests.Families;

/// <summary>The recurrent VAEs end to end through the HTTP API, on the three data sources: built-in sequences, uploaded CSV, and
/// an image dataset read row by row.</summary>
public sealed class RecurrentVaeApiTests
{
    private static Dictionary<string, object?> Tiny(string model, string dataset, int steps = 6) => new()
    {
        ["model"] = model, ["dataset"] = dataset, ["steps"] = steps, ["batchSize"] = 16, ["seed"] = 3, ["latentDim"] = 4,
        ["hiddenSize"] = 16, ["checkpointEvery"] = 3, ["sampleEvery"] = 3,
    };

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task Crvae_OnSyntheticSequences_Evaluates_ServesSamplesAsChartsCsvAndJson_AndReconstructs_ForItsTeamOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = "200", ["Evaluation:ClassifierEpochs"] = "1", ["Auth:Enabled"] = "true",
        });
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "forecasters");
        var other = await app.ClientForTeamAsync(admin, "others");
        var body = Tiny("crvae", "synthetic-sequences");
        (body["sequenceLength"], body["cell"], body["evaluate"], body["freeBits"]) = (32, "lstm", true, 0.05);
        var job = await app.PostJobAsync(owner, body);
        var h = job.Hyperparameters;
        Assert.Equal((16, 1, "lstm", true, 32, 200, 0.05, "mse"), (h.HiddenSize, h.Layers, h.Cell, h.Bidirectional, h.SequenceLength, h.KlWarmupSteps, h.FreeBits, h.Reconstruction));
        Assert.Equal((null, null, null), (h.ImageSize, h.BaseChannels, h.Loss));
        var done = await GenApiFactory.WaitForFinishAsync(owner, job.Id, TimeSpan.FromMinutes(3));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status} {done.Error}");

        // Scored on 32-step windows of the test split by a sequence classifier; the VAE's own diagnostics beside.
        var scores = (await owner.GetFromJsonAsync<MetricsResponse>($"/v1/jobs/{job.Id}/metrics", GenApiFactory.Json))!.Evaluations;
        Assert.Equal([3, 6], scores.Select(s => s.Step));
        Assert.All(scores, s =>
        {
            Assert.True(s.FrechetDistance > 0 && double.IsFinite(s.FrechetDistance));
            Assert.InRange(s.ConditionalAccuracy!.Value, 0, 1);
            Assert.InRange(s.ReconstructionError!.Value, 0, 1);
            Assert.True(s.Kl >= 0 && double.IsFinite(s.Elbo!.Value));
            Assert.InRange(s.ActiveDimensions!.Value, 0, 4);
        });
        Assert.True(scores[0].ClassifierAccuracy > 0.8, $"sequence classifier accuracy {scores[0].ClassifierAccuracy}");
        Assert.Contains(await GenApiFactory.EventsAsync(owner, job.Id), e => e.Kind == "evaluation" && e.Message.Contains("latent dimensions active"));
        using (var progress = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/jobs/{job.Id}/samples.png")))
            Assert.Equal((8 * 66 + 2, 8 * 50 + 2), (progress.Width, progress.Height));

        var model = (await owner.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal(("crvae", true, 32, (int?)null, 3), (model.Family, model.Reconstructs, model.SequenceLength, model.ImageSize, model.Classes));
        Assert.Equal(["value"], model.Features!);

        // Charts: 4 sequences in 2 columns of 64×48 cells.
        using (var chart = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?count=4&nrow=2&seed=5")))
            Assert.Equal((2 * 66 + 2, 2 * 50 + 2), (chart.Width, chart.Height));
        using (var one = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/models/{model.Id}/samples/1.png?seed=5&scale=2")))
            Assert.Equal((128, 96), (one.Width, one.Height));
        // Interpolation in z, drawn as a strip of charts.
        using (var strip = SKBitmap.Decode(await owner.GetByteArrayAsync($"/v1/models/{model.Id}/interpolate.png?from=1&to=2&steps=5&label=1")))
            Assert.Equal((5 * 66 + 2, 50 + 2), (strip.Width, strip.Height));

        // The same sequences as CSV and JSON, the same for the same seed, labelled by class name.
        var csv = await owner.GetStringAsync($"/v1/models/{model.Id}/samples.csv?count=3&seed=5");
        Assert.Equal(csv, await owner.GetStringAsync($"/v1/models/{model.Id}/samples.csv?count=3&seed=5"));
        Assert.NotEqual(csv, await owner.GetStringAsync($"/v1/models/{model.Id}/samples.csv?count=3&seed=6"));
        // Saved by a browser, not opened in it.
        using (var download = await owner.GetAsync($"/v1/models/{model.Id}/samples.csv?count=3&seed=5"))
            Assert.Equal(("attachment", $"{model.Id}-samples.csv"), (download.Content.Headers.ContentDisposition!.DispositionType, download.Content.Headers.ContentDisposition.FileName));
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("sequence_id,t,value,label", lines[0]);
        Assert.Equal(1 + 3 * 32, lines.Length);
        Assert.Equal(["sine", "sawtooth", "step"], lines.Skip(1).Select(l => l.Split(',')[3]).Distinct());
        var json = (await owner.GetFromJsonAsync<SequenceSamplesResponse>($"/v1/models/{model.Id}/samples.json?count=3&seed=5", GenApiFactory.Json))!;
        Assert.Equal((5L, 3, 32), (json.Seed, json.Sequences.Count, json.Sequences[2].Values.Length));
        Assert.Equal(float.Parse(lines[1 + 32 + 7].Split(',')[2], CultureInfo.InvariantCulture), json.Sequences[1].Values[7][0]);
        var steps = (await owner.GetFromJsonAsync<SequenceSamplesResponse>($"/v1/models/{model.Id}/samples.json?count=2&seed=5&label=2", GenApiFactory.Json))!;
        Assert.All(steps.Sequences, s => Assert.Equal("step", s.Label));

        // Reconstruct a sequence sent as JSON, and one sent as CSV (a sample of samples.csv): the reply in the same form.
        var sent = json.Sequences[0].Values;
        var fromJson = await owner.PostAsJsonAsync($"/v1/models/{model.Id}/reconstruct?label=0", new { values = sent });
        Assert.Equal(HttpStatusCode.OK, fromJson.StatusCode);
        var reconstructed = (await fromJson.Content.ReadFromJsonAsync<SequenceResponse>(GenApiFactory.Json))!;
        Assert.Equal((32, "sine"), (reconstructed.Values.Length, reconstructed.Label));
        var oneSequence = string.Join('\n', lines.Take(33)) + "\n";
        var fromCsv = await owner.PostAsync($"/v1/models/{model.Id}/reconstruct", Csv(oneSequence));
        Assert.Equal("text/csv", fromCsv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", fromCsv.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(33, (await fromCsv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n').Length);

        // Bad input, field by field; another team sees nothing.
        var wrong = await owner.PostAsJsonAsync($"/v1/models/{model.Id}/reconstruct?label=3", new { values = sent.Take(5).ToArray() });
        Assert.Equal(["body", "label"], (await BadInputTests.ValidationErrorsAsync(wrong)).Keys.Order());
        var image = await owner.PostAsync($"/v1/models/{model.Id}/reconstruct", new ByteArrayContent(await owner.GetByteArrayAsync($"/v1/models/{model.Id}/samples/0.png?seed=1")));
        Assert.Equal(["body"], (await BadInputTests.ValidationErrorsAsync(image)).Keys);
        var badSamples = await owner.GetAsync($"/v1/models/{model.Id}/samples.csv?count=0&seed=-1&truncation=9&label=3");
        Assert.Equal(["count", "seed", "truncation"], (await BadInputTests.ValidationErrorsAsync(badSamples)).Keys.Order());
        foreach (var path in new[] { "", "/samples.csv?seed=5", "/samples.json?seed=5", "/samples.png?seed=5" })
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{model.Id}{path}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/v1/models/{model.Id}/reconstruct", new { values = sent })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/v1/models/{model.Id}/evaluate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/v1/models/{model.Id}/evaluate", null)).StatusCode);
    }

    [Fact]
    public async Task Rvae_OnAnUploadedMultivariateCsv_TrainsAndServesSamplesInTheDataUnits()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        // 96 two-feature sequences of 24 steps in long format: a temperature around 20 and a pressure around 1000.
        var text = new StringBuilder("sequence_id,t,Temperature,Pressure\n");
        var random = new Random(4);
        for (var n = 0; n < 96; n++)
        for (var t = 0; t < 24; t++)
            text.Append(CultureInfo.InvariantCulture, $"s{n},{t},{20 + 5 * Math.Sin(t / 3.0 + n) + random.NextDouble():0.###},{1000 + 10 * Math.Cos(t / 4.0 + n):0.##}\n");
        var upload = await client.PostAsync("/v1/datasets?name=weather", Csv(text.ToString()));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var dataset = (await upload.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal(("sequences", 24, 96, (int?)null), (dataset.Kind, dataset.SequenceLength, dataset.Count, dataset.ImageSize));
        Assert.Equal(["Temperature", "Pressure"], dataset.Features!);

        // An image family cannot read it; rvae rejects what does not fit it, all at once.
        var dcgan = await client.PostAsJsonAsync("/v1/jobs", new { model = "dcgan", dataset = dataset.Id, steps = 2 });
        Assert.Contains("holds sequences", (await BadInputTests.ValidationErrorsAsync(dcgan))["dataset"][0]);
        var bad = await client.PostAsJsonAsync("/v1/jobs", new
        {
            model = "rvae", dataset = dataset.Id, imageSize = 28, baseChannels = 8, sequenceLength = 25, cell = "rnn", layers = 9, hiddenSize = 2,
            klWarmupSteps = -1, freeBits = 11, evaluate = true, inputDropout = 1.5,
        });
        Assert.Equal(["baseChannels", "cell", "evaluate", "freeBits", "hiddenSize", "imageSize", "inputDropout", "klWarmupSteps", "layers", "sequenceLength"],
            (await BadInputTests.ValidationErrorsAsync(bad)).Keys.Order());

        var body = Tiny("rvae", dataset.Id, steps: 8);
        (body["sequenceLength"], body["bidirectional"], body["layers"]) = (12, false, 2);
        var job = await app.PostJobAsync(client, body);
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(90));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status} {done.Error}");
        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal((12, (int?)null), (model.SequenceLength, model.Classes));

        // Samples come back in the data's units (the decoder's tanh keeps them inside the range it was scaled from).
        var samples = (await client.GetFromJsonAsync<SequenceSamplesResponse>($"/v1/models/{model.Id}/samples.json?count=8&seed=1", GenApiFactory.Json))!;
        Assert.Equal(["Temperature", "Pressure"], samples.Features);
        Assert.All(samples.Sequences.SelectMany(s => s.Values), step =>
        {
            Assert.InRange(step[0], 14.9, 26.1);
            Assert.InRange(step[1], 989.9, 1010.1);
        });
        Assert.All(samples.Sequences, s => Assert.Null(s.Label));
        // samples.csv is an upload: what the model generates can be trained on again.
        var again = await client.PostAsync("/v1/datasets", Csv(await client.GetStringAsync($"/v1/models/{model.Id}/samples.csv?count=16&seed=2")));
        var reuploaded = (await again.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal((16, 12), (reuploaded.Count, reuploaded.SequenceLength));
        // An upload has no test split.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/v1/models/{model.Id}/evaluate", null)).StatusCode);
    }

    [SkippableFact]
    public async Task Rvae_OnFashionMnist_ReadsEachImageRowByRow_AndServesImages()
    {
        Skip.IfNot(File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var job = await app.PostJobAsync(client, Tiny("rvae", "fashion-mnist", steps: 4));
        Assert.Equal(28, job.Hyperparameters.SequenceLength);
        var done = await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(90));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status} {done.Error}");
        var model = (await client.GetFromJsonAsync<ModelResponse>($"/v1/models/{done.ModelId}", GenApiFactory.Json))!;
        Assert.Equal((28, 28, 1), (model.SequenceLength, model.ImageSize, model.Channels));
        Assert.Equal(28, model.Features!.Count);

        // Samples are images again: 28 rows of 28 pixels.
        using (var grid = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?count=4&seed=1")))
            Assert.Equal((2 * 28 + 3 * 2, 2 * 28 + 3 * 2), (grid.Width, grid.Height));
        var reconstruct = await client.PostAsync($"/v1/models/{model.Id}/reconstruct",
            new ByteArrayContent(await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples/0.png?seed=4")));
        using (var image = SKBitmap.Decode(await reconstruct.Content.ReadAsByteArrayAsync())) Assert.Equal((28, 28), (image.Width, image.Height));
        // As numbers: pixel intensities in [0, 1], row t at step t.
        var samples = (await client.GetFromJsonAsync<SequenceSamplesResponse>($"/v1/models/{model.Id}/samples.json?count=2&seed=1", GenApiFactory.Json))!;
        Assert.Equal(("x0", "x27"), (samples.Features[0], samples.Features[27]));
        Assert.All(samples.Sequences.SelectMany(s => s.Values).SelectMany(v => v), v => Assert.InRange(v, 0, 1));
        var halfRows = Tiny("rvae", "fashion-mnist");
        halfRows["sequenceLength"] = 14;
        Assert.Contains("an image's 28 rows", (await BadInputTests.ValidationErrorsAsync(await client.PostAsJsonAsync("/v1/jobs", halfRows)))["sequenceLength"][0]);
    }
}
