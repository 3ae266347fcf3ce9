using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenApi.Hosting;

/// <summary>One JSON convention for the wire and the API document: camelCase, enums as camelCase strings.</summary>
public static class JsonSetup
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
