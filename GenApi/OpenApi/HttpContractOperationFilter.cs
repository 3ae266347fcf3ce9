using GenApi.Calling;
using GenApi.Endpoints;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GenApi.OpenApi;

/// <summary>
/// What every operation shares through middleware rather than its handler: binary bodies, the headers GenApi
/// sends and reads, and the statuses that the size limit, the JSON reader and idempotent retries answer with,
/// each with its problem <c>type</c>.
/// </summary>
public sealed class HttpContractOperationFilter : IOperationFilter
{
    private static readonly string[] BinaryTypes = ["image/png", "image/jpeg", "application/zip", "text/csv"];

    // The problem types each status carries, for the response descriptions.
    private static readonly Dictionary<string, string[]> ProblemTypes = new()
    {
        ["400"] = ["invalid-request"],
        ["401"] = ["unauthorized"],
        ["403"] = ["forbidden", "quota-exceeded"],
        ["404"] = ["job-not-found", "model-not-found", "dataset-not-found", "checkpoint-not-found", "samples-not-ready", "key-not-found"],
        ["409"] = ["job-finished", "job-not-finished", "idempotency-key-in-use"],
        ["413"] = ["body-too-large"],
        ["415"] = ["unsupported-media-type"],
        ["422"] = ["idempotency-key-reused"],
        ["429"] = ["rate-limited", "quota-exceeded"],
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var responses = operation.Responses ??= new OpenApiResponses();
        var post = string.Equals(context.ApiDescription.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase);
        var body = operation.RequestBody as OpenApiRequestBody;

        // Images and zips are declared with a content type but no CLR type, which leaves them without content.
        foreach (var declared in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>())
            foreach (var mediaType in declared.ContentTypes.Where(BinaryTypes.Contains))
                if (responses.TryGetValue(declared.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var declaredResponse)
                    && declaredResponse is OpenApiResponse binaryResponse)
                    (binaryResponse.Content ??= new Dictionary<string, IOpenApiMediaType>())[mediaType] = new OpenApiMediaType { Schema = SchemaOf(mediaType) };
        if (body?.Content is { } requestContent)
            foreach (var (type, media) in requestContent)
                if (BinaryTypes.Contains(type) && media is OpenApiMediaType m) m.Schema = SchemaOf(type);
        foreach (var response in responses.Values.OfType<OpenApiResponse>())
            if (response.Content is { } content)
                foreach (var (type, media) in content)
                    if (BinaryTypes.Contains(type) && media is OpenApiMediaType m) m.Schema = SchemaOf(type);

        // The size limit runs before routing, so even a GET with a huge body gets it.
        AddProblem(responses, "413", "The body is larger than this server accepts.", validation: false);
        if (body is not null)
            AddProblem(responses, "415", "The body's `Content-Type` is not one this operation takes.", validation: false);
        // Responses that carry a secret are never stored, so a key there would promise a replay that never comes.
        var replayable = post && !context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CarriesSecret>().Any();
        if (replayable)
        {
            (operation.Parameters ??= []).Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header, In = ParameterLocation.Header, Required = false,
                Description = "Makes retries safe: a retry with the same key and body gets the first response back (`Idempotent-Replayed: true`).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
            AddProblem(responses, "400", "The request is invalid (e.g. an `Idempotency-Key` over 255 characters).", validation: true);
            AddProblem(responses, "422", "The `Idempotency-Key` was already used with a different request.", validation: false);
            AddProblem(responses, "409", "A request with the same `Idempotency-Key` is still running; see `Retry-After`.", validation: false);
        }

        foreach (var (status, response) in responses.Select(r => (r.Key, r.Value as OpenApiResponse)))
        {
            if (response is null) continue;
            if (status is "201" or "202") AddHeader(response, "Location", "The address of the created resource.");
            if (replayable && status.StartsWith('2')) AddHeader(response, "Idempotent-Replayed", "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.");
            if (status == "401") AddHeader(response, "WWW-Authenticate", "`Bearer`.");
            if (status is "429" || (status == "409" && replayable)) AddHeader(response, "Retry-After", "Seconds to wait before trying again.", integer: true);
            if (status == "304") AddHeader(response, "ETag", "The image's entity tag.");
            if (status == "200" && responses.ContainsKey("304"))
            {
                AddHeader(response, "ETag", "Entity tag of the image: send it back in `If-None-Match`.");
                AddHeader(response, "Cache-Control", "`private, max-age=31536000, immutable` with a seed; `no-store` without one.");
                AddHeader(response, "X-Seed", "The seed used (drawn at random when none was given).", integer: true);
            }
            if (ProblemTypes.TryGetValue(status, out var kinds) && response.Content?.Keys.Any(k => k.Contains("problem")) == true
                && response.Description?.Contains("Problem type", StringComparison.Ordinal) != true)
                response.Description += $" Problem type: {string.Join(" or ", kinds.Select(k => $"`{Problems.Type(k)}`"))}.";
        }
        if (responses.ContainsKey("304"))
            operation.Parameters!.Add(new OpenApiParameter
            {
                Name = "If-None-Match", In = ParameterLocation.Header, Required = false,
                Description = "An `ETag` from an earlier answer: a 304 when the image is the same.", Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
    }

    private static OpenApiSchema Binary() => new() { Type = JsonSchemaType.String, Format = "binary" };

    // CSV is text: a string, not bytes, for generated clients.
    private static OpenApiSchema SchemaOf(string mediaType) => mediaType == "text/csv" ? new() { Type = JsonSchemaType.String } : Binary();

    private static void AddHeader(OpenApiResponse response, string name, string description, bool integer = false)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader
        {
            Description = description, Schema = new OpenApiSchema { Type = integer ? JsonSchemaType.Integer : JsonSchemaType.String },
        };
    }

    private static void AddProblem(OpenApiResponses responses, string status, string description, bool validation)
    {
        if (responses.ContainsKey(status)) return;
        var schema = validation ? "HttpValidationProblemDetails" : "ProblemDetails";
        responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema) },
            },
        };
    }
}
