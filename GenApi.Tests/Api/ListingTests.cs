using System.Net;
using System.Net.Http.Json;
using GenApi.Contracts;

namespace GenApi.Tests.Api;

public sealed class ListingTests
{
    [Fact]
    public async Task JobPages_StayStable_WhileJobsAreAdded()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var original = new List<JobResponse>();
        for (var i = 0; i < 25; i++) original.Add(await app.PostJobAsync(client, GenApiFactory.TinyJob()));

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await client.GetFromJsonAsync<PageResponse<JobResponse>>(
                $"/v1/jobs?limit=10{(after is null ? "" : $"&after={after}")}", GenApiFactory.Json))!;
            seen.AddRange(page.Data.Select(j => j.Id));
            after = page.NextCursor;
            Assert.Equal(page.HasMore, after is not null);
            pages++;
            // Inserts between pages land before the first page; they must not shift the later ones.
            await app.PostJobAsync(client, GenApiFactory.TinyJob());
            await app.PostJobAsync(client, GenApiFactory.TinyJob());
        } while (after is not null);

        Assert.Equal(3, pages);
        // Newest first; jobs created in the same instant are ordered by id.
        Assert.Equal(original.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal).Select(j => j.Id), seen);
    }

    [Fact]
    public async Task JobsList_FiltersByStatus_AndRejectsBadParameters()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), embeddedWorker: false);
        var client = app.CreateClient();
        var canceled = await app.PostJobAsync(client, GenApiFactory.TinyJob());
        await app.PostJobAsync(client, GenApiFactory.TinyJob());
        await client.PostAsync($"/v1/jobs/{canceled.Id}/cancel", null);

        var page = (await client.GetFromJsonAsync<PageResponse<JobResponse>>("/v1/jobs?status=canceled", GenApiFactory.Json))!;
        Assert.Equal([canceled.Id], page.Data.Select(j => j.Id));
        Assert.False(page.HasMore);
        foreach (var bad in new[] { "limit=0", "limit=101", "after=not-a-cursor", "status=sleeping" })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/jobs?{bad}")).StatusCode);
    }
}
