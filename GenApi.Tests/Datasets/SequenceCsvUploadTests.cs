using System.Net;
using System.Net.Http.Json;
using System.Text;
using GenApi.Contracts;
using GenApi.Tests.Api;
using GenApi.Worker.Datasets;

namespace GenApi.Tests.Datasets;

/// <summary>CSV uploads of sequences: both layouts, labels, and every way an untrusted file is refused without storing anything.</summary>
public sealed class SequenceCsvUploadTests
{
    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string csv) =>
        client.PostAsync("/v1/datasets", new StringContent(csv, Encoding.UTF8, "text/csv"));

    [Fact]
    public async Task WideRows_WithLabels_AndLongFormat_BecomeSequenceDatasets_ThatImageFamiliesRefuse()
    {
        await using var app = new GenApiFactory(TestPaths.NewScratch());
        var client = app.CreateClient();
        var wide = await UploadAsync(client, "label,0,1,2,3\nup,1,2,3,4\ndown,4,3,2,1\nup,0,1,2,3\n");
        Assert.Equal(HttpStatusCode.Created, wide.StatusCode);
        var d = (await wide.Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal(("sequences", 4, 3, 1), (d.Kind, d.SequenceLength!.Value, d.Count!.Value, d.Features!.Count));
        Assert.Equal(["down", "up"], d.Classes);
        // Headerless wide rows are unlabelled.
        var bare = (await (await UploadAsync(client, "1,2,3\n3,2,1\n")).Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal((3, 0), (bare.SequenceLength!.Value, bare.Classes.Count));
        // Long format: rows in any order, steps sorted by t.
        var longForm = (await (await UploadAsync(client, "sequence_id,t,a,b,label\nx,1,1,10,p\nx,0,0,11,p\ny,0,5,12,q\ny,1,6,13,q\n"))
            .Content.ReadFromJsonAsync<DatasetResponse>(GenApiFactory.Json))!;
        Assert.Equal((2, 2), (longForm.SequenceLength!.Value, longForm.Count!.Value));
        Assert.Equal(["a", "b"], longForm.Features!);
        var listed = (await client.GetFromJsonAsync<List<DatasetResponse>>("/v1/datasets", GenApiFactory.Json))!;
        Assert.Contains(listed, l => l.Id == "synthetic-sequences" && l is { Kind: "sequences", SequenceLength: 64, BuiltIn: true });
        Assert.Contains(listed, l => l.Id == longForm.Id && l.Kind == "sequences");
        var vae = await client.PostAsJsonAsync("/v1/jobs", new { model = "vae", dataset = longForm.Id });
        Assert.Contains("rvae, crvae", (await BadInputTests.ValidationErrorsAsync(vae))["dataset"][0]);
    }

    [Fact]
    public void LongFormat_KeepsTheFilesOrderOfSequences_AndSortsStepsByT()
    {
        var table = SequenceCsv.Parse(new StringReader("sequence_id,t,v\nb,2,3\nb,0,1\na,0,9\nb,1,2\na,2,7\na,1,8\n"), new CsvLimits(100, 10, 10));
        Assert.Equal(new[] { 1f, 2f, 3f }, table.Sequence(0).Select(s => s[0]));
        Assert.Equal(new[] { 9f, 8f, 7f }, table.Sequence(1).Select(s => s[0]));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "Line 2, column 2: 'abc' is not a finite number", "1,2,3\n4,abc,6\n" },
        { "Line 3, column 3 ('t2'): 'NaN' is not a finite number", "t0,t1,t2\n1,2,3\n1,2,NaN\n" },
        { "Line 2 has 2 cells; the first line has 3", "1,2,3\n4,5\n" },
        { "has step 0 twice", "sequence_id,t,v\na,0,1\na,0,2\n" },
        { "every sequence needs the same length", "sequence_id,t,v\na,0,1\na,1,2\nb,0,3\n" },
        { "a sequence has one label", "sequence_id,t,v,label\na,0,1,x\na,1,2,y\n" },
        { "needs a 't' column", "sequence_id,v\na,1\n" },
        { "Line 1 has 7 columns; at most 6 are allowed", "1,2,3,4,5,6,7\n" },
        { "more than 8 rows", string.Concat(Enumerable.Repeat("1,2\n", 9)) },
        { "at most 5 are allowed", string.Concat(Enumerable.Repeat("1,2\n", 6)) },
        { "at least 2 steps", "1\n2\n" },
        { "Every sequence has the label 'x'", "label,0,1\nx,1,2\nx,2,3\n" },
        { "quoted cells are not supported", "\"1\",2\n" },
        { "The CSV is empty", "\n\n" },
        // Written back into samples.csv, these would run as formulas in a spreadsheet.
        { "Line 3, column 'label': '=HYPERLINK(1)' starts with '='", "label,0,1\na,1,2\n=HYPERLINK(1),2,3\n" },
        { "Line 1, column 3: '@sum' starts with '@'", "sequence_id,t,@sum\na,0,1\na,1,2\n" },
        { "Line 2, column 'label': '+x' starts with '+'", "label,0,1\n+x,1,2\n-1,2,3\n" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task BrokenOrOversizedCsv_IsRefusedWithA400NamingWhere_AndLeavesNothingBehind(string reason, string csv)
    {
        var data = TestPaths.NewScratch();
        await using var app = new GenApiFactory(data, settings: new Dictionary<string, string>
        {
            ["Datasets:MaxImages"] = "5", ["Datasets:MaxCsvRows"] = "8", ["Datasets:MaxCsvColumns"] = "6",
        });
        var errors = await BadInputTests.ValidationErrorsAsync(await UploadAsync(app.CreateClient(), csv));
        Assert.Contains(reason, errors["body"][0]);
        var folder = Path.Combine(data, "datasets");
        Assert.True(!Directory.Exists(folder) || Directory.GetFileSystemEntries(folder).Length == 0, "a refused upload left files behind");
    }
}
