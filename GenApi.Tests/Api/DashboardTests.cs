using System.Net;
using System.Text.RegularExpressions;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Tests.Api;

/// <summary>
/// The dashboard takes the admin key as a Basic password, which a browser resends to any request, a forged one
/// included. One cross-site form POST once deleted 60 Hangfire jobs and left their jobs stuck.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task ForgedOrFramedRequests_AreRefused_AndTheDashboardIsReadOnlyByDefault()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var admin = app.CreateClient();
        var job = await app.PostJobAsync(admin, GenApiFactory.TinyJob());
        var hangfireId = EnqueuedHangfireIds(app).Single();

        var page = await admin.GetAsync("/hangfire/jobs/enqueued");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        var (header, token) = Antiforgery(await page.Content.ReadAsStringAsync());

        // Another site's form: refused by its Origin, by Sec-Fetch-Site, and (no token) by Hangfire's antiforgery check.
        Assert.Equal(HttpStatusCode.Forbidden, (await DeleteAsync(admin, hangfireId, ("Origin", "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeleteAsync(admin, hangfireId, ("Sec-Fetch-Site", "cross-site"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeleteAsync(admin, hangfireId)).StatusCode);
        // The dashboard's own page, token and all: read-only unless Dashboard:AllowWrites says otherwise.
        var ownPage = await DeleteAsync(admin, hangfireId, ("Origin", "http://localhost"), (header, token));
        Assert.False(ownPage.IsSuccessStatusCode, $"read-only dashboard answered {ownPage.StatusCode}");

        Assert.Equal([hangfireId], EnqueuedHangfireIds(app));
        Assert.Equal(JobStatus.Queued, (await GenApiFactory.WaitForAsync(admin, job.Id, _ => true, TimeSpan.Zero)).Status);
    }

    [Fact]
    public async Task AJobWhoseHangfireJobIsDeleted_GoesBackOnTheQueue_QueuedOrRunning()
    {
        await using (var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false,
                         settings: new Dictionary<string, string> { ["Dashboard:AllowWrites"] = "true" }))
        {
            var admin = app.CreateClient();
            var job = await app.PostJobAsync(admin, GenApiFactory.TinyJob());
            var first = EnqueuedHangfireIds(app).Single();
            var page = await admin.GetAsync("/hangfire/jobs/enqueued");
            var (header, token) = Antiforgery(await page.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync(admin, first, ("Origin", "http://localhost"), (header, token))).StatusCode);

            var requeued = await WaitForEventAsync(admin, job.Id, e => e.Message.Contains("Hangfire job was deleted"));
            Assert.Equal("queued", requeued.Kind);
            var second = Assert.Single(EnqueuedHangfireIds(app));
            Assert.NotEqual(first, second);
        }

        // Running: the worker hands the job back and the new dispatch resumes it, instead of leaving it 'running' on nobody.
        await using (var app = new GenApiFactory(TestPaths.NewScratch()))
        {
            var admin = app.CreateClient();
            var job = await app.PostJobAsync(admin, GenApiFactory.TinyJob(steps: 1_000_000));
            await GenApiFactory.WaitForAsync(admin, job.Id, j => j.Progress.Step > 0, TimeSpan.FromSeconds(60));
            var storage = app.Services.GetRequiredService<JobStorage>();
            var processing = storage.GetMonitoringApi().ProcessingJobs(0, 10).Single().Key;
            app.Services.GetRequiredService<IBackgroundJobClient>().Delete(processing);

            await WaitForEventAsync(admin, job.Id, e => e.Kind == "interrupted");
            await WaitForEventAsync(admin, job.Id, e => e.Kind == "started" && e.Message.Contains("attempt 1"), after: "interrupted");
            var running = await GenApiFactory.WaitForAsync(admin, job.Id, j => j.Status == JobStatus.Running, TimeSpan.FromSeconds(30));
            Assert.Equal(JobStatus.Running, running.Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/jobs/{job.Id}/cancel", null)).StatusCode);
            Assert.Equal(JobStatus.Canceled, (await GenApiFactory.WaitForFinishAsync(admin, job.Id, TimeSpan.FromSeconds(60))).Status);
        }
    }

    private static List<string> EnqueuedHangfireIds(GenApiFactory app) =>
        app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs(TrainingQueue.Name, 0, 100).Where(j => j.Value.InEnqueuedState).Select(j => j.Key).ToList();

    private static Task<HttpResponseMessage> DeleteAsync(HttpClient client, string hangfireId, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/jobs/enqueued/delete")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", hangfireId)]),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return client.SendAsync(request);
    }

    // Hangfire's layout hands its scripts the antiforgery header name and token.
    private static (string Header, string Token) Antiforgery(string html)
    {
        var header = AntiforgeryHeader().Match(html);
        var token = AntiforgeryToken().Match(html);
        Assert.True(header.Success && token.Success, "the dashboard page carries no antiforgery token");
        return (WebUtility.HtmlDecode(header.Groups[1].Value), WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    private static async Task<JobEventResponse> WaitForEventAsync(HttpClient client, string id, Func<JobEventResponse, bool> match, string? after = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var events = await GenApiFactory.EventsAsync(client, id);
            var from = after is null ? 0 : events.FindIndex(e => e.Kind == after) + 1;
            if (events.Skip(Math.Max(from, 0)).FirstOrDefault(match) is { } found && (after is null || from > 0)) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no such event; events: {string.Join(" | ", events.Select(e => $"{e.Kind}: {e.Message}"))}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
