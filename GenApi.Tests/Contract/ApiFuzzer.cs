using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GenApi.Tests.Contract;

/// <summary>
/// Derives requests from <c>openapi/v1.json</c>: every operation, with valid, boundary and invalid values for each
/// parameter and body field, wrong types, NUL bytes, huge numbers, odd headers (<c>Accept: text/html</c>, broken
/// keys) and broken bodies. Deterministic for a seed.
/// </summary>
public sealed class ApiFuzzer(JsonNode document, Random random, IReadOnlyDictionary<string, string[]> knownIds)
{
    private static readonly string[] Junk =
        ["", " ", "\0", "a\0b", "../../etc/passwd", "%00", "'; DROP TABLE Jobs;--", new string('x', 5000), "😀", "null", "-1", "1e309", "NaN", "<script>", "job_", "model_x/../y"];
    private static readonly JsonNode?[] JunkJson =
        [null, true, -1, 0, 1e308, -1e308, long.MaxValue, 3.5, "", "\0", new string('y', 3000), new JsonArray(1, 2), new JsonObject { ["a"] = 1 }];

    private readonly List<(string Path, string Method, JsonObject Operation)> _operations = document["paths"]!.AsObject()
        .SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key.ToUpperInvariant(), m.Value!.AsObject()))).ToList();

    public HttpRequestMessage Next()
    {
        var (template, method, operation) = _operations[random.Next(_operations.Count)];
        var path = template;
        var query = new List<string>();
        var request = new HttpRequestMessage(new HttpMethod(method), "/");
        foreach (var parameter in (operation["parameters"] as JsonArray ?? []).Select(p => p!.AsObject()))
        {
            var name = parameter["name"]!.GetValue<string>();
            var value = ParameterValue(name, Resolve(parameter["schema"]));
            switch (parameter["in"]!.GetValue<string>())
            {
                // Kestrel itself refuses a NUL in the path before any middleware runs: that is its answer, not ours.
                case "path": path = path.Replace("{" + name + "}", Uri.EscapeDataString((value ?? "x").Replace('\0', 'x'))); break;
                case "query" when value is not null: query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}"); break;
                case "header" when value is not null: request.Headers.TryAddWithoutValidation(name, Header(value)); break;
            }
        }
        if (random.Next(10) == 0) query.Add($"{Pick(["unknown", "limit", "x\0"])}={Uri.EscapeDataString(Pick(Junk))}");
        request.RequestUri = new Uri(path + (query.Count > 0 ? "?" + string.Join('&', query) : ""), UriKind.Relative);
        if (operation["requestBody"]?["content"] is JsonObject content) request.Content = Body(content);
        OddHeaders(request);
        return request;
    }

    private string? ParameterValue(string name, JsonObject? schema)
    {
        if (random.Next(8) == 0) return null;
        if (knownIds.TryGetValue(name, out var ids) && random.Next(2) == 0) return Pick(ids);
        return random.Next(3) == 0 ? Pick(Junk) : Scalar(schema)?.ToJsonString().Trim('"');
    }

    private string Header(string value) => new(value.Where(c => c >= ' ' && c < 127).Take(300).ToArray());

    private HttpContent Body(JsonObject content)
    {
        var type = content.Select(c => c.Key).ToList()[random.Next(content.Count)];
        if (!type.Contains("json"))
        {
            var bytes = random.Next(3) switch
            {
                0 => DatasetUploadTestsAccess.SmallPng(),
                1 => RandomBytes(random.Next(0, 2000)),
                _ => DatasetUploadTestsAccess.BombPng(),
            };
            var binary = new ByteArrayContent(bytes);
            binary.Headers.ContentType = new MediaTypeHeaderValue(random.Next(6) == 0 ? "text/plain" : type);
            return binary;
        }
        var text = random.Next(8) switch
        {
            0 => Pick(["", "{", "[1,2]", "null", "\"x\"", "{\"dataset\":", "{\"a\":\u0000}", new string('[', 5000)]),
            // The documented example, with one field changed: the valid path gets exercised too.
            1 or 2 when Resolve(content[type]!["schema"]) is { } schema && schema["example"] is JsonObject example => Mutate(example.DeepClone().AsObject(), schema),
            _ => Value(Resolve(content[type]!["schema"]), depth: 0)?.ToJsonString() ?? "null",
        };
        return new StringContent(text, Encoding.UTF8, random.Next(10) == 0 ? Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded"]) : "application/json");
    }

    private string Mutate(JsonObject example, JsonObject schema)
    {
        if (random.Next(3) > 0 && schema["properties"] is JsonObject properties)
        {
            var (name, property) = properties.ElementAt(random.Next(properties.Count));
            example[name] = Value(Resolve(property), depth: 1);
        }
        return example.ToJsonString();
    }

    private JsonNode? Value(JsonObject? schema, int depth)
    {
        if (schema is null || random.Next(12) == 0) return Pick(JunkJson)?.DeepClone();
        if (schema["properties"] is JsonObject properties && depth < 3)
        {
            var result = new JsonObject();
            foreach (var (name, property) in properties)
                if (random.Next(3) == 0 || (schema["required"] as JsonArray)?.Any(r => r!.GetValue<string>() == name) == true && random.Next(5) > 0)
                    result[name] = Value(Resolve(property), depth + 1);
            if (random.Next(15) == 0) result["notAField"] = 1;
            return result;
        }
        if (schema["type"]?.GetValue<string>() == "array" && depth < 3)
            return new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => Value(Resolve(schema["items"]), depth + 1)).ToArray());
        return Scalar(schema);
    }

    // A valid value, a boundary, or the wrong type.
    private JsonNode? Scalar(JsonObject? schema)
    {
        if (schema?["enum"] is JsonArray values && random.Next(3) > 0) return values[random.Next(values.Count)]?.DeepClone();
        return schema?["type"]?.GetValue<string>() switch
        {
            "integer" => Pick<JsonNode?>([0, 1, -1, 2, 3, 10, 28, 64, 100, 1000, int.MaxValue, long.MinValue, "5", 1.5]),
            "number" => Pick<JsonNode?>([0.0, 1e-4, 0.5, 1.0, -1.0, 1e300, "0.1", 0.999]),
            "boolean" => Pick<JsonNode?>([true, false, "true", 1]),
            "string" => Pick<JsonNode?>(["synthetic", "dcgan", "fashion-mnist", "https://example.com/hook", "2030-01-01T00:00:00Z", "team-a", .. Junk]),
            _ => Pick(JunkJson)?.DeepClone(),
        };
    }

    private void OddHeaders(HttpRequestMessage request)
    {
        if (random.Next(4) == 0) request.Headers.TryAddWithoutValidation("Accept", Pick(["text/html", "application/xml", "*/*", "image/png", "garbage/???"]));
        if (random.Next(10) == 0) request.Headers.TryAddWithoutValidation("Authorization", Pick(["Bearer", "Bearer gk_nope", "Basic !!!", "Bearer " + new string('k', 2000)]));
        if (random.Next(10) == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", Pick(["k", new string('i', 300), "fuzz-" + random.Next(5)]));
        if (random.Next(20) == 0) request.Headers.TryAddWithoutValidation("Last-Event-ID", Pick(["-5", "abc", "99999999999999999999"]));
    }

    private JsonObject? Resolve(JsonNode? schema)
    {
        for (var i = 0; i < 5 && schema is JsonObject s; i++)
        {
            if (s["$ref"]?.GetValue<string>() is { } reference) schema = document["components"]!["schemas"]![reference.Split('/')[^1]];
            else if (s["allOf"] is JsonArray { Count: 1 } all) schema = all[0];
            else return s;
        }
        return schema as JsonObject;
    }

    private byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
}

/// <summary>Images the fuzzer sends as bodies.</summary>
internal static class DatasetUploadTestsAccess
{
    public static byte[] SmallPng() => Api.DatasetUploadTests.Png(8, 8, SkiaSharp.SKColors.Red);
    public static byte[] BombPng() => Api.ImageBombTests.Png(50_000, 50_000);
}
