namespace GenApi.Tests.Contract;

/// <summary>The response check can fail: drift in either direction is caught.</summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public void Check_FindsWrongTypesMissingFieldsAndUndocumentedStatuses()
    {
        Assert.Contains(OpenApiContract.Check("GET", "/v1/jobs/job_1/events", 200, "application/json", """{"data":[],"hasMore":"no"}"""),
            p => p.Contains("hasMore"));
        Assert.Contains(OpenApiContract.Check("GET", "/v1/jobs/job_1/events", 200, "application/json", """{"data":[],"hasMore":false}"""),
            p => p.Contains("nextCursor"));
        Assert.NotEmpty(OpenApiContract.Check("GET", "/v1/jobs/job_1", 418, "application/problem+json", """{"type":"x","title":"t","status":418}"""));
        Assert.NotEmpty(OpenApiContract.Check("GET", "/v1/jobs/job_1", 404, "text/plain", "Not Found"));
        Assert.NotEmpty(OpenApiContract.Check("GET", "/v1/jobs/job_1", 404, "application/problem+json", """{"title":"Job not found."}"""));
        Assert.Empty(OpenApiContract.Check("GET", "/v1/jobs/job_1/events", 200, "application/json", """{"data":[],"hasMore":false,"nextCursor":null}"""));
        Assert.Empty(OpenApiContract.Check("GET", "/v1/jobs/job_1", 404, "application/problem+json",
            """{"type":"https://genapi.dev/problems/job-not-found","title":"Job not found.","status":404,"detail":"No job has id 'job_1'."}"""));
    }
}
