using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenApi.Hosting;

/// <summary>One JSON convention for the wire and the API document: camelCase, enums as camelCase strings.</summary>
public static class JsonSetup
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // The web defaults read "5" as 5; the contract says numbers are JSON numbers.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
