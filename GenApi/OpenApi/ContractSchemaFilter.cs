using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using GenApi.Contracts;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GenApi.OpenApi;

/// <summary>
/// Makes the schemas say what the wire does: every field of a response is always written (null where it has no
/// value), so all are required; a request requires only what it cannot default; closed sets are enums; problem
/// details and the job request carry examples that work as they stand.
/// </summary>
public sealed class ContractSchemaFilter : ISchemaFilter
{
    /// <summary>The job that Swagger UI's "Try it out" sends as it is: it trains on the built-in data in seconds.</summary>
    public static JsonObject JobExample => new() { ["model"] = "dcgan", ["dataset"] = "synthetic", ["steps"] = 200, ["batchSize"] = 64, ["seed"] = 1 };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target) return;
        var closedSet = context.MemberInfo?.GetCustomAttribute<ClosedSetAttribute>() ?? context.ParameterInfo?.GetCustomAttribute<ClosedSetAttribute>();
        if ((closedSet?.Values ?? DeclaredValues(context.MemberInfo)) is { } values) ApplyClosedSet(target, values);
        if (context.MemberInfo?.GetCustomAttribute<RequiredAttribute>() is not null) target.Type &= ~JsonSchemaType.Null;
        // A nullable object is allOf[$ref] + nullable, and OpenAPI 3.0 wants a type beside nullable.
        if (target.AllOf is { Count: > 0 } && target.Type == JsonSchemaType.Null) target.Type = JsonSchemaType.Object | JsonSchemaType.Null;

        var type = context.Type;
        if (target.Properties is not { Count: > 0 } properties) return;
        if (IsResponse(type))
            target.Required = new SortedSet<string>(properties.Keys, StringComparer.Ordinal);
        else
        {
            var required = type.GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => JsonName(p.Name)).ToList();
            if (required.Count > 0) target.Required = new SortedSet<string>(required, StringComparer.Ordinal);
        }

        if (type == typeof(CreateJobRequest)) target.Examples = [JobExample];
        if (typeof(ProblemDetails).IsAssignableFrom(type) || type == typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails)) DescribeProblem(target, type);
    }

    private static bool IsResponse(Type type) =>
        type.Namespace == typeof(JobResponse).Namespace && (type.IsGenericType ? type.GetGenericTypeDefinition().Name.Split('`')[0] : type.Name).EndsWith("Response", StringComparison.Ordinal);

    // A declared setting's closed set, on the job request's and the resolved settings' property of its name.
    private static IReadOnlyList<string>? DeclaredValues(MemberInfo? member) =>
        member is PropertyInfo { DeclaringType: var owner } property && (owner == typeof(CreateJobRequest) || owner == typeof(HyperparametersResponse))
            ? TrainingFields.Find(JsonName(property.Name))?.Declared.Values : null;

    private static string JsonName(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static void ApplyClosedSet(OpenApiSchema schema, IReadOnlyList<string> values)
    {
        // A list of such values (webhook events) constrains its items.
        var target = schema.Type?.HasFlag(JsonSchemaType.Array) == true && schema.Items is OpenApiSchema items ? items : schema;
        var nodes = values.Select(v => (JsonNode?)JsonValue.Create(v)).ToList();
        // OpenAPI 3.0: a nullable enum lists null, or validators refuse the null the server writes.
        if (target.Type?.HasFlag(JsonSchemaType.Null) == true) nodes.Add(null);
        target.Enum = nodes!;
    }

    // Every problem GenApi writes has type, title and status; a 400 adds errors (field → messages).
    private static void DescribeProblem(OpenApiSchema schema, Type type)
    {
        var validation = type == typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails);
        string[] always = validation ? ["type", "title", "status", "errors"] : ["type", "title", "status"];
        foreach (var name in always)
            if (schema.Properties!.TryGetValue(name, out var property) && property is OpenApiSchema p) p.Type &= ~JsonSchemaType.Null;
        schema.Required = new SortedSet<string>(always, StringComparer.Ordinal);
        schema.Examples = [validation
            ? new JsonObject
            {
                ["type"] = "https://genapi.dev/problems/invalid-request", ["title"] = "The job request is invalid.", ["status"] = 400,
                ["errors"] = new JsonObject { ["steps"] = new JsonArray("steps must be between 1 and 1,000,000.") },
            }
            : new JsonObject
            {
                ["type"] = "https://genapi.dev/problems/job-not-found", ["title"] = "Job not found.", ["status"] = 404,
                ["detail"] = "No job has id 'job_0123'.",
            }];
    }
}
