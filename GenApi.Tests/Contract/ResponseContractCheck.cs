namespace GenApi.Tests.Contract;

/// <summary>
/// Sits in every test client: each response the API test suite receives is checked against <c>openapi/v1.json</c>
/// (status, content type, JSON schema). A mismatch fails the test that received it, so the document and the
/// service cannot drift apart in either direction.
/// </summary>
public sealed class ResponseContractCheck : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        // Streams (SSE) are checked by their own tests; reading them here would wait for their end.
        var body = contentType is not null && contentType.Contains("json", StringComparison.Ordinal)
            ? await response.Content.ReadAsStringAsync(cancellationToken)
            : null;
        var problems = OpenApiContract.Check(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, contentType, body);
        if (problems.Count > 0)
            throw new ContractViolationException($"The response does not match openapi/v1.json:\n{string.Join("\n", problems)}");
        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
