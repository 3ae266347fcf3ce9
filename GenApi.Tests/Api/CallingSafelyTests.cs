using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GenApi.Tests.Api;

/// <summary>What another team's service relies on: keys and isolation, safe retries, limits, signed webhooks.</summary>
public sealed class CallingSafelyTests
{
    private static readonly Dictionary<string, string> AuthOn = new() { ["Auth:Enabled"] = "true" };

    // Every resource a team owns, asserted from both sides: its owner gets it, another team gets 404 (a check of only
    // the second side once let "teams cannot read their own models" ship).
    [Fact]
    public async Task Teams_ReachTheirOwnJobsModelsAndDatasets_AndOtherTeamsGet404()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: AuthOn);
        var admin = app.CreateClient();
        var teamA = await ClientForNewKeyAsync(app, admin, "team-a");
        var teamB = await ClientForNewKeyAsync(app, admin, "team-b");

        var job = await app.TrainTinyAsync(teamA, steps: 10);
        var promoted = await teamA.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null);
        Assert.Equal(HttpStatusCode.Created, promoted.StatusCode);
        var upload = await DatasetUploadTests.UploadAsync(teamA, DatasetUploadTests.Zip(("a.png", DatasetUploadTests.Png(8, 8, SkiaSharp.SKColors.Red))));
        var dataset = (await upload.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        foreach (var path in new[]
                 {
                     $"/v1/jobs/{job.Id}", $"/v1/jobs/{job.Id}/events", $"/v1/jobs/{job.Id}/metrics", $"/v1/jobs/{job.Id}/metrics.png",
                     $"/v1/jobs/{job.Id}/samples.png", $"/v1/jobs/{job.Id}/checkpoints", $"/v1/models/{job.ModelId}",
                     $"/v1/models/{job.ModelId}/samples.png?seed=1", $"/v1/models/{job.ModelId}/samples/0.png?seed=1",
                     $"/v1/models/{job.ModelId}/interpolate.png?from=1&to=2", promoted.Headers.Location!.OriginalString, $"/v1/datasets/{dataset.Id}",
                 })
        {
            Assert.Equal((path, HttpStatusCode.OK), (path, (await teamA.GetAsync(path)).StatusCode));
            Assert.Equal((path, HttpStatusCode.NotFound), (path, (await teamB.GetAsync(path)).StatusCode));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.PostAsync($"/v1/jobs/{job.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.PostAsync($"/v1/jobs/{job.Id}/checkpoints/10/promote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.DeleteAsync($"/v1/models/{job.ModelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.DeleteAsync($"/v1/datasets/{dataset.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teamB.DeleteAsync($"/v1/jobs/{job.Id}")).StatusCode);

        // Lists: the owner's items, nothing of theirs for the other team.
        Assert.Single((await teamA.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs", GenApiFactory.Json))!.Data);
        Assert.Empty((await teamB.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs", GenApiFactory.Json))!.Data);
        Assert.Equal(2, (await teamA.GetFromJsonAsync<PageResponse<ModelResponse>>("/v1/models", GenApiFactory.Json))!.Data.Count);
        Assert.Empty((await teamB.GetFromJsonAsync<PageResponse<ModelResponse>>("/v1/models", GenApiFactory.Json))!.Data);
        Assert.Contains((await teamA.GetFromJsonAsync<List<DatasetResponse>>("/v1/datasets", GenApiFactory.Json))!, d => d.Id == dataset.Id);
        Assert.DoesNotContain((await teamB.GetFromJsonAsync<List<DatasetResponse>>("/v1/datasets", GenApiFactory.Json))!, d => d.Id == dataset.Id);

        // Using them: the owner resumes from its model and trains on its upload; the other team is told they do not exist.
        var resume = new { dataset = "synthetic", steps = 12, batchSize = 16, baseChannels = 8, latentDim = 16, checkpointEvery = 10, sampleEvery = 10, resumeFrom = job.ModelId };
        Assert.Equal(HttpStatusCode.Accepted, (await teamA.PostAsJsonAsync("/v1/jobs", resume)).StatusCode);
        Assert.Contains("resumeFrom", (await BadInputTests.ValidationErrorsAsync(await teamB.PostAsJsonAsync("/v1/jobs", resume))).Keys);
        Assert.Equal(HttpStatusCode.Accepted, (await teamA.PostAsJsonAsync("/v1/jobs", new { dataset = dataset.Id, steps = 1, baseChannels = 8 })).StatusCode);
        Assert.Contains("dataset", (await BadInputTests.ValidationErrorsAsync(await teamB.PostAsJsonAsync("/v1/jobs", new { dataset = dataset.Id }))).Keys);

        // Webhook secrets: each team its own, stable, and rotating one leaves the other's alone.
        async Task<string> SecretOf(HttpClient team) => (await team.GetFromJsonAsync<WebhookSecretResponse>("/v1/webhooks/secret", GenApiFactory.Json))!.Secret;
        var (secretA, secretB) = (await SecretOf(teamA), await SecretOf(teamB));
        Assert.NotEqual(secretA, secretB);
        Assert.Equal(secretA, await SecretOf(teamA));
        var rotated = (await (await teamA.PostAsync("/v1/webhooks/secret/rotate", null)).Content.ReadFromJsonAsync<WebhookSecretResponse>(GenApiFactory.Json))!.Secret;
        Assert.Equal((rotated, secretB), (await SecretOf(teamA), await SecretOf(teamB)));
        Assert.NotEqual(secretA, rotated);

        // Deleting: only the owner can.
        Assert.Equal(HttpStatusCode.NoContent, (await teamA.DeleteAsync($"/v1/models/{job.ModelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teamA.DeleteAsync($"/v1/datasets/{dataset.Id}")).StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_NeedAnAdminKey_EvenWithAuthOff()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var anonymous = app.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        var refused = await anonymous.PostAsJsonAsync("/v1/admin/keys", new { team = "intruder", admin = true });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        // Everything else stays open in the embedded single-user mode, and the bootstrap admin key still works.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.CreateClient().PostAsJsonAsync("/v1/admin/keys", new { team = "vision" })).StatusCode);
    }

    [Fact]
    public async Task MissingOrUnknownKeys_Get401_AndNonAdmins403_AsProblemDetails()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: AuthOn);
        var anonymous = app.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        var response = await anonymous.GetAsync("/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "gk_not_a_key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/jobs")).StatusCode);

        var member = await ClientForNewKeyAsync(app, app.CreateClient(), "team-a");
        var forbidden = await member.PostAsJsonAsync("/v1/admin/keys", new { team = "team-b" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.CreateClient().PostAsJsonAsync("/v1/admin/keys", new { team = "bad team!" })).StatusCode);
        // Health stays open for orchestrators.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysTheFirstResponse_AndRejectsADifferentBody()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        async Task<HttpResponseMessage> Post(object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "order-42");
            return await client.SendAsync(request);
        }

        var first = await Post(GenApiFactory.TinyJob(seed: 1));
        var retry = await Post(GenApiFactory.TinyJob(seed: 1));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await client.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs", GenApiFactory.Json))!.Data);

        var conflict = await Post(GenApiFactory.TinyJob(seed: 2));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Keys_CanBeRevokedAndExpire_TheDashboardNeedsAnAdminKey_AndWorkersHideOtherTeamsJobs()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: AuthOn);
        var admin = app.CreateClient();
        var created = await (await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "team-a" })).Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json);
        var member = app.CreateClient();
        member.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created!.Key);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/admin/keys/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/admin/keys/{created.Id}")).StatusCode);

        var shortLived = await (await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "team-a", expiresAt = DateTimeOffset.UtcNow.AddSeconds(2) }))
            .Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json);
        member.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", shortLived!.Key);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/v1/jobs")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/v1/admin/keys", new { team = "team-a", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) })).StatusCode);

        // The dashboard: not even loopback gets in without an admin key; a browser is asked for it.
        var anonymous = app.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        var refused = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.StartsWith("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        var teamB = await ClientForNewKeyAsync(app, admin, "team-b");
        Assert.Equal(HttpStatusCode.Unauthorized, (await teamB.GetAsync("/hangfire")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{GenApiFactory.AdminKey}")));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/hangfire")).StatusCode);

        // Workers: everyone sees how busy they are under an opaque label; only admins see the host and whose jobs.
        var store = app.Services.GetRequiredService<GenApi.Worker.Contracts.IJobStore>();
        await store.HeartbeatAsync("secret-host:4242:abcd", "secret-host:4242", "cpu", ["job_of_team_a"]);
        var seenByAdmin = (await admin.GetFromJsonAsync<List<WorkerResponse>>("/v1/workers", GenApiFactory.Json))!.Single(w => w.Id == "secret-host:4242:abcd");
        Assert.Equal(["job_of_team_a"], seenByAdmin.CurrentJobs);
        Assert.Equal("secret-host:4242", seenByAdmin.Name);
        using var workersForB = await teamB.GetAsync("/v1/workers");
        Assert.DoesNotContain("secret-host", await workersForB.Content.ReadAsStringAsync());
        var seenByB = (await workersForB.Content.ReadFromJsonAsync<List<WorkerResponse>>(GenApiFactory.Json))!.Single(w => w.Label == seenByAdmin.Label);
        Assert.Equal((1, 0, seenByAdmin.Label, seenByAdmin.Label), (seenByB.CurrentJobCount, seenByB.CurrentJobs.Count, seenByB.Id, seenByB.Name));
    }

    [Fact]
    public async Task TeamQuotas_BoundActiveJobsAndDatasets()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false, settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Quotas:ActiveJobsPerTeam"] = "2", ["Quotas:DatasetsPerTeam"] = "1",
        });
        var admin = app.CreateClient();
        var teamA = await ClientForNewKeyAsync(app, admin, "team-a");
        var teamB = await ClientForNewKeyAsync(app, admin, "team-b");
        await app.PostJobAsync(teamA, GenApiFactory.TinyJob());
        await app.PostJobAsync(teamA, GenApiFactory.TinyJob());
        var over = await teamA.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob());
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Contains("quota-exceeded", await over.Content.ReadAsStringAsync());
        Assert.True(over.Headers.Contains("Retry-After"));
        // Another team is not held back by team A's queue.
        await app.PostJobAsync(teamB, GenApiFactory.TinyJob());

        var zip = DatasetUploadTests.Zip(("a.png", DatasetUploadTests.Png(8, 8, SkiaSharp.SKColors.Red)));
        Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(teamA, zip)).StatusCode);
        var refused = await DatasetUploadTests.UploadAsync(teamA, zip);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Quotas:DatasetsPerTeam", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await DatasetUploadTests.UploadAsync(teamB, zip)).StatusCode);
    }

    [Fact]
    public async Task InvalidJobRequests_DoNotUseUpTheRateLimit()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false,
            settings: new Dictionary<string, string> { ["RateLimits:JobsPerMinute"] = "1" });
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/jobs", new { dataset = "synthetic", steps = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob())).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_UnderConcurrency_RunsTheRequestOnce()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(GenApiFactory.TinyJob(seed: 3)) };
            request.Headers.Add("Idempotency-Key", "burst-1");
            return client.SendAsync(request);
        }));

        Assert.Single((await client.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs", GenApiFactory.Json))!.Data);
        // Every answer is the job (first or replayed) or a 409 asking to retry shortly; none is a second job.
        foreach (var response in responses)
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict });
            if (response.StatusCode == HttpStatusCode.Conflict) Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        }
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted && !r.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task IdempotencyKey_NeverStoresRateLimitedAnswersOrSecrets()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false,
            settings: new Dictionary<string, string> { ["RateLimits:JobsPerMinute"] = "1" });
        var client = app.CreateClient();
        async Task<HttpResponseMessage> Post(string path, object body, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/jobs", GenApiFactory.TinyJob(seed: 1), "a")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Post("/v1/jobs", GenApiFactory.TinyJob(seed: 2), "b")).StatusCode);
        // The 429 was not stored: the same key runs again (and is limited again, not replayed).
        var again = await Post("/v1/jobs", GenApiFactory.TinyJob(seed: 2), "b");
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));

        // A created key is shown once: a retry with the same Idempotency-Key makes a new one rather than replaying it.
        var first = await (await Post("/v1/admin/keys", new { team = "vision" }, "k")).Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json);
        var second = await (await Post("/v1/admin/keys", new { team = "vision" }, "k")).Content.ReadFromJsonAsync<ApiKeyResponse>(GenApiFactory.Json);
        Assert.NotEqual(first!.Key, second!.Key);
    }

    [Fact]
    public async Task JobCreation_IsRateLimitedPerKey_With429AndRetryAfter()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false,
            settings: new Dictionary<string, string> { ["RateLimits:JobsPerMinute"] = "2" });
        var client = app.CreateClient();
        await app.PostJobAsync(client, GenApiFactory.TinyJob());
        await app.PostJobAsync(client, GenApiFactory.TinyJob());
        var limited = await client.PostAsJsonAsync("/v1/jobs", GenApiFactory.TinyJob());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        // Reading is not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Webhooks_AreSignedWithTheTeamsSecret_RetriedAfterA500_AndRecordedInTheJobsEvents()
    {
        var received = new ConcurrentQueue<(string Id, string Timestamp, string Signature, string Body)>();
        var calls = 0;
        await using var receiver = await HttpReceiver.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((context.Request.Headers["webhook-id"]!, context.Request.Headers["webhook-timestamp"]!,
                context.Request.Headers["webhook-signature"]!, await reader.ReadToEndAsync()));
            // The receiver is down for the first delivery.
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 204;
        });

        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: new Dictionary<string, string>
        {
            ["Webhooks:FirstRetryDelay"] = "00:00:00.200", ["Webhooks:AllowedNetworks:0"] = "127.0.0.1/32",
        });
        var client = app.CreateClient();
        var secret = (await client.GetFromJsonAsync<WebhookSecretResponse>("/v1/webhooks/secret", GenApiFactory.Json))!.Secret;
        Assert.StartsWith("whsec_", secret);
        var job = await app.PostJobAsync(client, new
        {
            dataset = "synthetic", steps = 5, batchSize = 8, baseChannels = 8, seed = 1,
            webhook = new { url = $"{receiver.Url}/hook", events = new[] { "succeeded" } },
        });
        await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);

        var deliveries = received.ToArray();
        Assert.Equal(2, deliveries.Length);
        Assert.Equal(deliveries[0].Id, deliveries[1].Id);   // same message id on retry: receivers deduplicate
        // Receivers verify with the official Standard Webhooks library.
        foreach (var d in deliveries) new StandardWebhooks.StandardWebhook(secret).Verify(d.Body, Headers(d.Id, d.Timestamp, d.Signature));
        var tampered = deliveries[0];
        Assert.ThrowsAny<Exception>(() => new StandardWebhooks.StandardWebhook(secret).Verify(tampered.Body + " ", Headers(tampered.Id, tampered.Timestamp, tampered.Signature)));
        // Another team's secret does not verify this team's deliveries.
        var otherSecret = WebhookSignature.NewSecret();
        Assert.ThrowsAny<Exception>(() => new StandardWebhooks.StandardWebhook(otherSecret).Verify(tampered.Body, Headers(tampered.Id, tampered.Timestamp, tampered.Signature)));
        using var payload = JsonDocument.Parse(deliveries[1].Body);
        Assert.Equal("job.succeeded", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal(job.Id, payload.RootElement.GetProperty("data").GetProperty("job").GetProperty("id").GetString());

        deadline = DateTime.UtcNow.AddSeconds(10);
        List<JobEventResponse> events;
        do events = (await GenApiFactory.EventsAsync(client, job.Id)).Where(e => e.Kind == "webhook").ToList();
        while (events.Count < 2 && DateTime.UtcNow < deadline);
        Assert.Contains("HTTP 500 (attempt 1); retrying", events[0].Message);
        Assert.Contains("delivered", events[1].Message);
    }

    private static HeaderDictionary Headers(string id, string timestamp, string signature) =>
        new() { ["webhook-id"] = id, ["webhook-timestamp"] = timestamp, ["webhook-signature"] = signature };

    // Receivers on loopback, private or metadata addresses are refused at connect time unless allowed by configuration;
    // the event says so without connection details or the URL's credentials, and redirects are not followed.
    [Fact]
    public async Task Webhooks_ToInternalAddresses_AreRefused_UnlessAllowed_AndRedirectsAreNotFollowed()
    {
        var calls = 0;
        await using var receiver = await HttpReceiver.StartAsync(context =>
        {
            Interlocked.Increment(ref calls);
            if (context.Request.Path == "/redirect") context.Response.Redirect("http://169.254.169.254/latest/meta-data/");
            else context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        var port = new Uri(receiver.Url).Port;
        async Task<List<JobEventResponse>> DeliverAsync(GenApiFactory app, string url)
        {
            var client = app.CreateClient();
            var job = await app.PostJobAsync(client, new { dataset = "synthetic", steps = 1, batchSize = 4, baseChannels = 4, seed = 1, webhook = new { url } });
            await GenApiFactory.WaitForFinishAsync(client, job.Id, TimeSpan.FromSeconds(60));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            List<JobEventResponse> events;
            do events = (await GenApiFactory.EventsAsync(client, job.Id)).Where(e => e.Kind == "webhook").ToList();
            while (events.Count == 0 && DateTime.UtcNow < deadline);
            return events;
        }

        var settings = new Dictionary<string, string> { ["Webhooks:MaxAttempts"] = "1" };
        await using (var closed = new GenApiFactory(TestPaths.NewScratch(), settings: settings))
        {
            foreach (var url in new[] { $"http://user:hunter2@127.0.0.1:{port}/hook", $"http://2130706433:{port}/hook", $"http://[::1]:{port}/hook", "http://169.254.169.254/latest/meta-data/" })
            {
                var message = Assert.Single(await DeliverAsync(closed, url)).Message;
                Assert.Contains("refused", message);
                Assert.DoesNotContain("hunter2", message);
                Assert.DoesNotContain("Connection refused", message);
            }
        }
        Assert.Equal(0, calls);

        settings["Webhooks:AllowedNetworks:0"] = "127.0.0.1/32";
        await using var open = new GenApiFactory(TestPaths.NewScratch(), settings: settings);
        Assert.Contains("delivered", Assert.Single(await DeliverAsync(open, $"{receiver.Url}/hook")).Message);
        Assert.Contains("HTTP 302", Assert.Single(await DeliverAsync(open, $"{receiver.Url}/redirect")).Message);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Webhooks_NeedAValidUrl()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var response = await app.CreateClient().PostAsJsonAsync("/v1/jobs", new
        {
            dataset = "synthetic", webhook = new { url = "ftp://example.com", events = new[] { "exploded" } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "\"webhook.url\"", "\"webhook.events\"" }) Assert.Contains(field, body);
    }

    private static Task<HttpClient> ClientForNewKeyAsync(GenApiFactory app, HttpClient admin, string team) => app.ClientForTeamAsync(admin, team);
}
