using System.Net;
using System.Text.Json.Nodes;
using GenApi.Tests.Api;
using Xunit.Abstractions;

namespace GenApi.Tests.Contract;

/// <summary>
/// Requests derived from the API document, valid and hostile, against a live app with auth on: never a 5xx, every
/// 4xx is problem+json, and every answer matches the document. CI sends a bounded number; set
/// <c>GENAPI_FUZZ_REQUESTS</c> for a longer run.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DocumentDrivenFuzzing_FindsNo5xx_NoNonProblem4xx_AndNoContractMismatch()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("GENAPI_FUZZ_REQUESTS"), out var n) ? n : 1500;
        var data = TestPaths.NewScratch();
        string jobId, modelId;
        // A trained model and its job to aim at (trained first, so the fuzzed jobs below only queue).
        await using (var trainer = new GenApiFactory(data))
        {
            var job = await trainer.TrainTinyAsync(trainer.CreateClient(), steps: 10);
            (jobId, modelId) = (job.Id, job.ModelId!);
        }
        await using var app = new GenApiFactory(data, embeddedWorker: false, settings: new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true", ["Datasets:MaxImagePixels"] = "1000000",
        });
        var client = app.CreateClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "openapi", "v1.json")))!;
        var ids = new Dictionary<string, string[]> { ["id"] = [jobId, modelId, "job_missing", "model_missing", "dataset_missing", "key_missing"], ["step"] = ["10", "0", "-3"], ["index"] = ["0", "255", "256"] };
        var fuzzer = new ApiFuzzer(document, new Random(20261129), ids);

        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var request = fuzzer.Next();
            var description = $"{request.Method} {request.RequestUri}";
            try
            {
                // Generous: the first evaluation of a dataset trains its classifier (about a minute on a loaded CPU).
                using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500) failures.Add($"{status} for {description}");
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{status} without problem+json ({response.Content.Headers.ContentType}) for {description}");
            }
            catch (ContractViolationException violation)
            {
                failures.Add($"contract: {violation.Message} for {description}");
            }
        }

        output.WriteLine($"{count} requests; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        foreach (var failure in failures.Take(30)) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} requests failed:\n{string.Join("\n", failures.Take(30))}");
    }
}
