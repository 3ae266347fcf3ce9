using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;
using GenApi.Tests.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SkiaSharp;
using Xunit.Abstractions;

namespace GenApi.Tests.WebConsole;

/// <summary>The web console in a real browser against a real server: train, watch, sample, fix a bad field, and teams.</summary>
public sealed class ConsoleTests(ITestOutputHelper output)
{
    // Start a job from the form (after a refused value shown beside its field), watch it finish live, see its curves, its
    // progress grid and a sample grid of the right size, train it again from its settings and cancel that run.
    [SkippableFact]
    public async Task AJob_IsStartedWatchedAndSampled_FromTheConsole()
    {
        Browser.RequireInstalled();
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var server = Start(app);
        using var browser = new Browser();
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/jobs/new");
        browser.WaitFor("#job-form");
        // The form shows the chosen family's own fields only (GET /v1/families): a VAE has no loss and no critic.
        browser.Choose("#field-model", "vae");
        browser.Wait(d => !d.FindElement(By.CssSelector(".field[data-field='loss']")).Displayed, what: "the loss hidden for vae");
        Assert.False(browser.Find(".field[data-field='optimizerD.lr']").Displayed);
        Assert.Contains("klWeight 0–1000", browser.Find("#family-facts").Text);
        browser.Choose("#field-model", "dcgan");
        browser.Wait(d => d.FindElement(By.CssSelector(".field[data-field='loss']")).Displayed, what: "the loss shown for dcgan");
        Assert.Equal("0.0002", browser.Find("#field-optimizerD-lr").GetAttribute("placeholder"));
        browser.Choose("#field-dataset", "synthetic");
        browser.Type("#field-steps", "-5");
        browser.Type("#field-batchSize", "16");
        browser.Type("#field-baseChannels", "8");
        browser.Type("#field-latentDim", "16");
        browser.Type("#field-checkpointEvery", "100");
        browser.Type("#field-sampleEvery", "50");
        browser.Find("#submit-job").Click();
        var stepsError = browser.Wait(d => d.FindElement(By.Id("field-steps-error")).Text is { Length: > 0 } text ? text : null, what: "the steps error");
        Assert.Contains("steps", stepsError, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("invalid", browser.Find(".field[data-field='steps']").GetAttribute("class") ?? "");
        Assert.Equal("", browser.Find("#field-batchSize-error").Text);   // only the bad field is marked
        browser.Screenshot("console-validation");

        browser.Type("#field-steps", "200");
        browser.Find("#submit-job").Click();
        var jobId = browser.Wait(d => d.Url.Contains("#/jobs/job_") ? d.Url[(d.Url.IndexOf("#/jobs/", StringComparison.Ordinal) + 7)..] : null, what: "the job page");
        browser.WaitFor("#job-status [data-status='succeeded']", seconds: 120);
        browser.Wait(d => d.FindElement(By.CssSelector("#events li[data-kind='succeeded']")), what: "the succeeded event");

        // Curves: each series is a path through every reported point.
        var lossPath = browser.Wait(d => d.FindElement(By.CssSelector("path[data-series='lossD']")).GetAttribute("d") is { } path && path.Count(c => c == 'L') >= 1 ? path : null, what: "the loss curve");
        Assert.Matches(@"^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$", lossPath);
        var grid = browser.Wait(d => (long)browser.Script("const i = document.getElementById('progress-grid'); return i.complete ? i.naturalWidth : 0;")! > 0 ? browser.Find("#progress-grid") : null, what: "the progress grid");
        Assert.True(grid!.Displayed);
        var latencies = ((IReadOnlyCollection<object>)browser.Script("return window.genapiConsole.eventLatenciesMs;")!).Select(Convert.ToDouble).ToList();
        output.WriteLine($"SSE: {latencies.Count} events, update latency median {Median(latencies):0} ms, max {latencies.Max():0} ms (event time to shown)");
        browser.Screenshot("console-job");

        // The model: its sample grid loads at the size the API renders it.
        browser.Find("#model-link").Click();
        browser.WaitFor("#sample-form");
        var natural = browser.Wait(d => browser.Script("const i = document.getElementById('samples'); return i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;"), what: "the samples")!;
        var size = ((IReadOnlyCollection<object>)natural).Select(Convert.ToInt32).ToArray();
        var modelId = browser.Driver.Url[(browser.Driver.Url.IndexOf("#/models/", StringComparison.Ordinal) + 9)..];
        using var client = app.CreateClient();
        using (var png = SKBitmap.Decode(await client.GetByteArrayAsync($"/v1/models/{modelId}/samples.png?count=16&seed=1&scale=2")))
            Assert.Equal(new[] { png.Width, png.Height }, size);
        Assert.True(size[0] > 4 * 28, $"a 4×4 grid at scale 2 is wider than {size[0]} px");
        browser.Screenshot("console-model");

        // Train again: the form holds the job's resolved settings, and the API takes them back as they are.
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/jobs/new?from={jobId}");
        browser.Wait(d => d.FindElement(By.Id("field-steps")).GetAttribute("value") == "200", what: "the prefilled form");
        Assert.Equal("synthetic", browser.Find("#field-dataset").GetAttribute("value"));
        browser.Type("#field-steps", "100000");
        browser.Find("#submit-job").Click();
        browser.Wait(d => d.Url.Contains("#/jobs/job_") && !d.Url.EndsWith(jobId!, StringComparison.Ordinal), what: "the second job's page");
        browser.WaitFor("#cancel-job", seconds: 30).Click();
        browser.WaitFor("#job-status [data-status='canceled']", seconds: 60);

        // Fine-tune: the model's page links to a form that starts from this model; the job page says where it started.
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/models/{modelId}");
        browser.WaitFor("#fine-tune-link").Click();
        browser.Wait(d => d.FindElement(By.Id("field-steps")).GetAttribute("value") == "200", what: "the fine-tune form");
        Assert.True(browser.Find("#field-initFrom").Selected);
        browser.Type("#field-steps", "100");
        browser.Find("#submit-job").Click();
        var fineTune = browser.Wait(d => d.Url.Contains("#/jobs/job_") ? d.Url[(d.Url.IndexOf("#/jobs/", StringComparison.Ordinal) + 7)..] : null, what: "the fine-tune's page");
        browser.WaitFor("#job-status [data-status='succeeded']", seconds: 120);
        var facts = browser.Wait(d => d.FindElement(By.CssSelector("main")).Text is { } text && text.Contains("Fine-tuned from", StringComparison.Ordinal) ? text : null, what: "the fine-tune's source");
        Assert.Contains(modelId, facts);
        var tuned = await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{fineTune}", GenApiFactory.Json);
        Assert.Equal(modelId, tuned!.Hyperparameters.InitFrom);

        // The jobs list shows all three, with their status, and nothing breaks at a phone's width.
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/jobs");
        browser.Wait(_ => ListedJobs(browser).Count == 3, what: "three jobs listed");
        Assert.Contains("succeeded", browser.Find($"tr[data-job='{jobId}']").Text);
        browser.Screenshot("console-jobs");
        browser.Driver.Manage().Window.Size = new System.Drawing.Size(390, 844);
        foreach (var page in new[] { "#/jobs", $"#/jobs/{jobId}", $"#/models/{modelId}", "#/jobs/new" })
        {
            browser.Driver.Navigate().GoToUrl($"{server}/console/{page}");
            browser.WaitFor("main h1");
            Thread.Sleep(300);
            Assert.False(browser.OverflowsHorizontally(), $"{page} is wider than a 390 px window");
        }
    }

    // With authentication on, the console asks for a key and shows that team's jobs only; the first page of a team with
    // 1,000 jobs paints within a second on loopback.
    [SkippableFact]
    public async Task WithAuth_TheConsoleAsksForAKey_AndShowsOnlyThatTeamsJobs_Quickly()
    {
        Browser.RequireInstalled();
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Quotas:ActiveJobsPerTeam"] = "5000",
        });
        var server = Start(app);
        var admin = app.CreateClient();
        var (alpha, alphaKey) = await TeamAsync(app, admin, "alpha");
        var (beta, _) = await TeamAsync(app, admin, "beta");
        var betaJob = await app.PostJobAsync(beta, GenApiFactory.TinyJob());
        var alphaJobs = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => alphaJobs.Add((await app.PostJobAsync(alpha, GenApiFactory.TinyJob(seed: i))).Id));

        using var browser = new Browser();
        browser.Driver.Navigate().GoToUrl($"{server}/console/");
        browser.WaitFor("#key-dialog[open] #key-input").SendKeys(alphaKey);
        browser.Find("#key-form button[value='save']").Click();
        browser.Wait(d => d.FindElements(By.CssSelector("#job-rows tr[data-job]")).Count == 25, what: "alpha's first page");
        var shown = ListedJobs(browser);
        Assert.All(shown, id => Assert.Contains(id, alphaJobs));
        Assert.DoesNotContain(betaJob.Id, shown);
        // Another team's job, asked for by id, is not found for this key.
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/jobs/{betaJob.Id}");
        Assert.Contains("No job", browser.WaitFor("main .error").Text);

        // A fresh load (a new document; the key stays in the tab's session storage): first contentful paint and the first page of jobs.
        browser.Driver.Navigate().GoToUrl("about:blank");
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/jobs");
        browser.Wait(d => browser.Script("return window.genapiConsole.jobsRenderedAt;") is not null, what: "the jobs page");
        var paint = Convert.ToDouble(browser.Script("return performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;"));
        var rows = Convert.ToDouble(browser.Script("return window.genapiConsole.jobsRenderedAt;"));
        output.WriteLine($"1,001 jobs: first contentful paint {paint:0} ms, first page of jobs rendered at {rows:0} ms after navigation");
        Assert.InRange(rows, 0, 1000);
        Assert.Equal(25, browser.Driver.FindElements(By.CssSelector("#job-rows tr[data-job]")).Count);
        browser.Find("#next-page").Click();
        browser.Wait(d => d.Url.Contains("after=") && ListedJobs(browser) is { Count: 25 } next && !next.Intersect(shown).Any(), what: "the next page");
    }

    // A finished sweep's leaderboard sorts by its columns and links to its trials; a VAE reconstructs an image chosen on its page.
    [SkippableFact]
    public async Task ASweepsLeaderboard_SortsAndLinksTrials_AndAVaeReconstructsAChosenImage()
    {
        Browser.RequireInstalled();
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>
        {
            ["Evaluation:Samples"] = "300", ["Evaluation:ClassifierEpochs"] = "2", ["Sweeps:Interval"] = "00:00:00.200",
        });
        var server = Start(app);
        var client = app.CreateClient();
        var sweep = await Sweeps.SweepApiTests.PostSweepAsync(client, new
        {
            @base = new { dataset = "synthetic", steps = 20, batchSize = 16, baseChannels = 8, latentDim = 16, checkpointEvery = 10, sampleEvery = 10 },
            parameters = new Dictionary<string, object> { ["learningRate"] = new { values = new[] { 0.0002, 0.004 } } },
            method = "grid", earlyStopping = new { type = "none" }, seed = 1,
        });
        var vae = await app.PostJobAsync(client, new { model = "vae", dataset = "synthetic", steps = 20, batchSize = 16, baseChannels = 8, latentDim = 8, checkpointEvery = 20, sampleEvery = 20 });
        var done = await Sweeps.SweepApiTests.WaitForSweepAsync(client, sweep.Id, s => s.Status != "running", TimeSpan.FromMinutes(4));
        Assert.Equal("succeeded", done.Status);
        var vaeModel = (await GenApiFactory.WaitForFinishAsync(client, vae.Id, TimeSpan.FromSeconds(60))).ModelId!;

        using var browser = new Browser();
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/sweeps");
        browser.WaitFor($"a[href='#/sweeps/{sweep.Id}']").Click();
        browser.Wait(_ => Column(browser, 0).Count == 2, what: "the leaderboard");
        browser.Wait(_ => Convert.ToInt64(browser.Script("return document.getElementById('sweep-chart').naturalWidth;")) > 0, what: "the sweep chart");
        // Sorted by the metric first (Fréchet distance: lowest first), then by any column, both ways.
        var scores = Column(browser, 2).Select(double.Parse).ToList();
        Assert.Equal(scores.Order(), scores);
        browser.Find("button[data-sort='number']").Click();
        Assert.Equal(["0", "1"], Column(browser, 0));
        Assert.Equal("ascending", browser.Find("th:has(button[data-sort='number'])").GetAttribute("aria-sort"));
        browser.Find("button[data-sort='number']").Click();
        Assert.Equal(["1", "0"], Column(browser, 0));
        browser.Screenshot("console-sweep");
        browser.Find("#sweep-trials").Click();
        browser.Wait(_ => ListedJobs(browser).Order().SequenceEqual(done.Leaderboard.Select(t => t.JobId).Order()), what: "the sweep's trials as jobs");
        browser.Driver.Navigate().Back();
        browser.Wait(_ => Column(browser, 0).Count == 2, what: "the leaderboard again");
        var trialJob = done.Leaderboard.Single(t => t.Number == 1).JobId;
        browser.Find($"#leaderboard a[href='#/jobs/{trialJob}']").Click();
        browser.WaitFor("#job-status [data-status='succeeded']");
        Assert.Contains(sweep.Id, browser.Find("#job-facts").Text);
        browser.WaitFor("#scores-table");   // scores beside their floor

        // Reconstruct: a PNG chosen on the model's page comes back at the model's size times the page's scale (4).
        var image = Path.Combine(app.DataDirectory, "input.png");
        using (var bitmap = new SKBitmap(28, 28, SKColorType.Gray8, SKAlphaType.Opaque))
        {
            bitmap.Erase(new SKColor(40, 40, 40));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            await File.WriteAllBytesAsync(image, data.ToArray());
        }
        browser.Driver.Navigate().GoToUrl($"{server}/console/#/models/{vaeModel}");
        browser.WaitFor("#drop-file").SendKeys(image);
        var width = browser.Wait(_ => browser.Script("const i = document.getElementById('drop-result'); return i.complete && i.naturalWidth ? i.naturalWidth : null;"), what: "the reconstruction");
        Assert.Equal(28 * 4, Convert.ToInt32(width));
    }

    private static List<string> Column(Browser browser, int index) =>
        ((IReadOnlyCollection<object>)browser.Script($"return [...document.querySelectorAll('#leaderboard tr')].map(r => r.cells[{index}].textContent.trim());")!)
            .Select(o => (string)o).ToList();

    // Read in one script: the list re-renders while jobs are active, so element handles go stale.
    private static List<string> ListedJobs(Browser browser) =>
        ((IReadOnlyCollection<object>)browser.Script("return [...document.querySelectorAll('#job-rows tr[data-job]')].map(r => r.dataset.job);")!)
            .Select(o => (string)o).ToList();

    private static string Start(GenApiFactory app)
    {
        app.UseKestrel(0);
        app.StartServer();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "localhost");
    }

    private static async Task<(HttpClient Client, string Key)> TeamAsync(GenApiFactory app, HttpClient admin, string team)
    {
        var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { team });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json))!.Key;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return (client, key);
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
}
