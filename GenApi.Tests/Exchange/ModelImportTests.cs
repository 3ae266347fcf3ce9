using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Contracts;

namespace GenApi.Tests.Exchange;

/// <summary>Imports through the HTTP API: an export comes back as a model of the importing team that samples the same bytes;
/// bad files are 400s naming the problem and store nothing; exports and cards are the owner's only.</summary>
public sealed class ModelImportTests
{
    private static readonly Dictionary<string, string> Auth = new() { ["Auth:Enabled"] = "true" };

    private static object Tiny(string model, double? emaDecay = null) => new
    {
        model, dataset = "synthetic", steps = 10, batchSize = 16, seed = 2, baseChannels = 8, latentDim = 16, checkpointEvery = 10, sampleEvery = 10, emaDecay,
    };

    private static async Task<string> TrainAsync(GenApiFactory app, HttpClient client, object body)
    {
        var done = await GenApiFactory.WaitForFinishAsync(client, (await app.PostJobAsync(client, body)).Id, TimeSpan.FromMinutes(2));
        Assert.True(done.Status == JobStatus.Succeeded, $"{done.Status}: {done.Error}");
        return done.ModelId!;
    }

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file, string query = "") =>
        await client.PostAsync($"/v1/models{query}", new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } });

    [Fact]
    public async Task Exports_ReimportedByAnotherTeam_SampleTheSameBytes_AgainAndAgain_AndStayTheirOwnersOnly()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch(), settings: Auth);
        var admin = app.CreateClient();
        var owner = await app.ClientForTeamAsync(admin, "makers");
        var other = await app.ClientForTeamAsync(admin, "takers");
        var trained = await TrainAsync(app, owner, Tiny("cdcgan", emaDecay: 0.9));
        var vae = await TrainAsync(app, owner, Tiny("vae"));
        // An int8 model leaves as int8 with its scales, and comes back sampling what it sampled.
        var compress = await owner.PostAsJsonAsync($"/v1/models/{trained}/compress", new { quantize = "int8", evaluate = false });
        Assert.Equal(HttpStatusCode.Accepted, compress.StatusCode);
        var compressed = await GenApiFactory.WaitForFinishAsync(owner, (await compress.Content.ReadFromJsonAsync<JobResponse>(GenApiFactory.Json))!.Id, TimeSpan.FromMinutes(2));
        Assert.True(compressed.Status == JobStatus.Succeeded, compressed.Error);

        foreach (var id in new[] { trained, vae, compressed.ModelId! })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{id}/weights.safetensors")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{id}/weights.pt")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/models/{id}/card")).StatusCode);
            var export = await owner.GetAsync($"/v1/models/{id}/weights.safetensors");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("application/octet-stream", export.Content.Headers.ContentType!.MediaType);
            var file = await export.Content.ReadAsByteArrayAsync();
            var header = Header(file);
            Assert.Equal(id, header["__metadata__"]!["genapi.model"]!.GetValue<string>());
            if (id == compressed.ModelId)
                Assert.Contains(header, t => t.Key.EndsWith(".weight", StringComparison.Ordinal) && t.Value!["dtype"]!.GetValue<string>() == "I8"
                    && header.ContainsKey(t.Key + ".scale"));
            var original = await owner.GetByteArrayAsync($"/v1/models/{id}/samples.png?count=9&seed=5");
            // Twice: the second import of the same file is a second model, sampling the same bytes.
            for (var round = 0; round < 2; round++)
            {
                var imported = await ImportAsync(other, file);
                Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
                var model = (await imported.Content.ReadFromJsonAsync<ModelResponse>(GenApiFactory.Json))!;
                Assert.Equal($"/v1/models/{model.Id}", imported.Headers.Location!.OriginalString);
                Assert.Null(model.JobId);
                Assert.Equal(original, await other.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?count=9&seed=5"));
                Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/v1/models/{model.Id}")).StatusCode);
                var card = (await other.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{model.Id}/card", GenApiFactory.Json))!;
                Assert.Equal(("imported", (string?)null, "synthetic"), (card.Lineage.Kind, card.Lineage.JobId, card.Dataset));
                Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)), card.Lineage.Sha256);
                Assert.NotNull(card.DataSha256);
                // It exports again, as it was stored (fp32).
                Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/v1/models/{model.Id}/weights.pt")).StatusCode);
            }
        }
        // The imported VAE reconstructs with its imported encoder.
        var trainedCard = (await owner.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{trained}/card", GenApiFactory.Json))!;
        Assert.Equal(("trained", 2L, 10), (trainedCard.Lineage.Kind, trainedCard.Seed, trainedCard.Steps));
        Assert.Equal(["generator", "generator-ema"], trainedCard.Networks);
        Assert.Equal(0.9, trainedCard.Settings!.EmaDecay);
    }

    [Fact]
    public async Task MultipartImport_TakesItsConfigFromAPart_WhenTheFileHasNone()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var id = await TrainAsync(app, client, Tiny("dcgan"));
        var file = await client.GetByteArrayAsync($"/v1/models/{id}/weights.safetensors");
        var card = (await client.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{id}/card", GenApiFactory.Json))!;
        var bare = WithHeader(file, h => h.Remove("__metadata__"));
        var noConfig = await ImportAsync(client, bare);
        Assert.Equal(HttpStatusCode.BadRequest, noConfig.StatusCode);
        Assert.Contains("genapi.config", await noConfig.Content.ReadAsStringAsync());

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(bare), "file", "mine.safetensors" },
            { new StringContent(JsonSerializer.Serialize(card.Architecture, GenApiFactory.Json)), "config" },
            { new StringContent("synthetic"), "dataset" },
        };
        var imported = await client.PostAsync("/v1/models", form);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var model = (await imported.Content.ReadFromJsonAsync<ModelResponse>(GenApiFactory.Json))!;
        Assert.Equal(await client.GetByteArrayAsync($"/v1/models/{id}/samples.png?seed=1"), await client.GetByteArrayAsync($"/v1/models/{model.Id}/samples.png?seed=1"));
        Assert.Equal("mine.safetensors", (await client.GetFromJsonAsync<ModelCardResponse>($"/v1/models/{model.Id}/card", GenApiFactory.Json))!.Lineage.FileName);
    }

    [Fact]
    public async Task BadFiles_Are400sNamingTheProblem_AndStoreNothing_FuzzedToo()
    {
        var data = TestPaths.NewScratch();
        await using var app = new GenApiFactory(data);
        var client = app.CreateClient();
        var id = await TrainAsync(app, client, Tiny("dcgan"));
        var good = await client.GetByteArrayAsync($"/v1/models/{id}/weights.safetensors");
        var weight = Header(good).Select(t => t.Key).First(k => k.EndsWith("project.weight", StringComparison.Ordinal));

        var cases = new (string Name, byte[] File, string Says)[]
        {
            ("too short", [1, 2, 3], "8-byte header length"),
            ("header past the end", WithLength(good, (ulong)good.Length), "runs past the end"),
            ("header not JSON", Replace(good, 8, "{not json"u8.ToArray()), "not JSON"),
            ("header not UTF-8", Replace(good, 10, [0xE1]), "UTF-8"),
            ("unknown dtype", WithHeader(good, h => h[weight]!["dtype"] = "F8_E4M3"), "unknown dtype"),
            ("offsets past the end", WithHeader(good, h => h[weight]!["data_offsets"] = new JsonArray(0, good.Length * 2L)), "outside"),
            ("overlapping offsets", WithHeader(good, h => Overlap(h, weight)), "overlap"),
            ("memory bomb", WithHeader(good, h => h[weight]!["shape"] = new JsonArray(1L << 40, 1L << 30, 1 << 20)), "more elements"),
            ("missing tensor", WithHeader(good, h => Drop(h, weight)), "lacks 1 tensor"),
            ("extra tensor", WithHeader(good, h => Rename(h, weight, weight + "_extra")), "do not"),
            ("shape that does not fit", WithHeader(good, h => h["__metadata__"]!["genapi.config"] = Config(h, c => c["latentDim"] = 17)), "shape"),
            ("config out of bounds", WithHeader(good, h => h["__metadata__"]!["genapi.config"] = Config(h, c => c["baseChannels"] = 100000)), "baseChannels"),
            ("unknown family", WithHeader(good, h => h["__metadata__"]!["genapi.config"] = Config(h, c => c["family"] = "stylegan9")), "stylegan9"),
            ("non-finite weights", NonFinite(good, weight), "non-finite"),
        };
        var before = Directory.GetDirectories(Path.Combine(data, "models")).Length;
        foreach (var (name, file, says) in cases)
        {
            var response = await ImportAsync(client, file);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(body.Contains(says, StringComparison.OrdinalIgnoreCase), $"{name}: {body}");
        }
        var wrongType = await client.PostAsync("/v1/models", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal("application/problem+json", wrongType.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(data, "models")).Length);

        // Fuzz: flipped bytes and cuts anywhere. Every answer is a 201 or a 400, and only 201s store a model.
        var random = new Random(17);
        var created = 0;
        for (var i = 0; i < 60; i++)
        {
            var file = (byte[])good.Clone();
            if (i % 3 == 0) file = file[..random.Next(file.Length)];
            else
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    // Mostly in the header, where a flipped byte changes what the file claims.
                    var at = i % 2 == 0 ? random.Next(Math.Min(file.Length, 8 + 2048)) : random.Next(file.Length);
                    file[at] = (byte)random.Next(256);
                }
            var response = await ImportAsync(client, file);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest,
                $"fuzz case {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.Created) created++;
        }
        Assert.Equal(before + created, Directory.GetDirectories(Path.Combine(data, "models")).Length);
    }

    private static JsonObject Header(byte[] file) =>
        JsonNode.Parse(file.AsSpan(8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file)))!.AsObject();

    private static byte[] WithHeader(byte[] file, Action<JsonObject> change)
    {
        var header = Header(file);
        change(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var data = file.AsSpan(8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result.AsSpan(8 + json.Length));
        return result;
    }

    private static byte[] WithLength(byte[] file, ulong length)
    {
        var copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    private static byte[] Replace(byte[] file, int at, byte[] bytes)
    {
        var copy = (byte[])file.Clone();
        bytes.CopyTo(copy, at);
        return copy;
    }

    private static string Config(JsonObject header, Action<JsonObject> change)
    {
        var config = JsonNode.Parse(header["__metadata__"]!["genapi.config"]!.GetValue<string>())!.AsObject();
        change(config);
        return config.ToJsonString();
    }

    // Another tensor's range moved onto this one's start.
    private static void Overlap(JsonObject header, string weight)
    {
        var offsets = header[weight]!["data_offsets"]!.AsArray();
        var (begin, end) = (offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>());
        var other = header.First(t => t.Key != "__metadata__" && t.Key != weight && t.Value!["dtype"]!.GetValue<string>() == "F32"
            && t.Value["data_offsets"]![1]!.GetValue<long>() - t.Value["data_offsets"]![0]!.GetValue<long>() < end - begin);
        var length = other.Value!["data_offsets"]![1]!.GetValue<long>() - other.Value["data_offsets"]![0]!.GetValue<long>();
        other.Value["data_offsets"] = new JsonArray(begin, begin + length);
    }

    // The tensor is gone and its bytes with it (the rest moved down), so only the missing name is wrong.
    private static void Drop(JsonObject header, string weight)
    {
        var offsets = header[weight]!["data_offsets"]!.AsArray();
        var (begin, length) = (offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>() - offsets[0]!.GetValue<long>());
        header.Remove(weight);
        // Keep the data whole: the dropped range becomes a tensor of the same bytes under a name no network has.
        header[weight + ".orphan"] = new JsonObject { ["dtype"] = "U8", ["shape"] = new JsonArray(length), ["data_offsets"] = new JsonArray(begin, begin + length) };
        _ = header;
    }

    private static void Rename(JsonObject header, string weight, string name)
    {
        var copy = header[weight]!.DeepClone();
        header[name] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(0), ["data_offsets"] = Tail(header) };
        _ = copy;
    }

    // An empty tensor at the end of the data: adds a name, takes no bytes.
    private static JsonArray Tail(JsonObject header)
    {
        var end = header.Where(t => t.Key != "__metadata__").Max(t => t.Value!["data_offsets"]![1]!.GetValue<long>());
        return new JsonArray(end, end);
    }

    private static byte[] NonFinite(byte[] file, string weight)
    {
        var begin = Header(file)[weight]!["data_offsets"]![0]!.GetValue<long>();
        var copy = (byte[])file.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan(8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file) + (int)begin + 4), float.NaN);
        return copy;
    }
}
