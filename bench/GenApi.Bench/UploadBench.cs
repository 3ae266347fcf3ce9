using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace GenApi.Bench;

/// <summary>
/// What one CSV upload costs the API process in memory: the peak resident set it adds over the idle service, for a file
/// of a given size in both layouts, uploaded several times in one process (a leak shows as a rising idle figure).
/// The service runs in this process, so the figure includes the client's side, which streams the file from disk.
/// </summary>
public static class UploadBench
{
    public static async Task RunAsync(int megabytes, int rounds, string results)
    {
        var report = BenchHost.NewReport();
        report.AppendLine($"# CSV upload memory: {megabytes} MB files, {rounds} uploads each").AppendLine();
        report.AppendLine("Peak RSS added = VmHWM during the upload (reset through /proc/self/clear_refs) minus VmRSS of the idle service just before.").AppendLine();
        report.AppendLine("| layout | file | values | upload | idle RSS before | peak RSS added |").AppendLine("|---|---|---|---|---|---|");
        await using var service = await LoopbackService.StartAsync(new Dictionary<string, string> { ["Worker:Embedded"] = "false" });
        var folder = Directory.CreateTempSubdirectory("genapi-bench-upload");
        foreach (var layout in new[] { "wide", "long" })
        {
            var (file, values) = Write(Path.Combine(folder.FullName, $"{layout}.csv"), layout, megabytes * 1024L * 1024);
            for (var round = 1; round <= rounds; round++)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                var idle = Status("VmRSS");
                ResetPeak();
                var clock = Stopwatch.StartNew();
                await using var stream = File.OpenRead(file);
                using var content = new StreamContent(stream);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await service.Client.PostAsync($"/v1/datasets?name=bench-{layout}-{round}", content);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the upload was refused: {(int)response.StatusCode} {body}");
                var added = Status("VmHWM") - idle;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {layout} | {new FileInfo(file).Length / 1e6:0.0} MB | {values:N0} | {clock.Elapsed.TotalSeconds:0.00} s | {idle / 1e6:0} MB | **{added / 1e6:0} MB** |");
            }
        }
        folder.Delete(recursive: true);
        Console.Write(report);
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "upload.md"), report.ToString());
    }

    // Wide: a label and 256 steps a row. Long: sequence_id,t,value,label, 256 rows a sequence. Values as a sensor writes them.
    private static (string File, long Values) Write(string path, string layout, long bytes)
    {
        var random = new Random(1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        const int steps = 256;
        writer.Write(layout == "wide" ? "label," + string.Join(',', Enumerable.Range(0, steps)) + "\n" : "sequence_id,t,value,label\n");
        long values = 0;
        for (var sequence = 0; writer.BaseStream.Length < bytes; sequence++)
        {
            var label = sequence % 2 == 0 ? "up" : "down";
            if (layout == "wide") writer.Write(label);
            for (var t = 0; t < steps; t++, values++)
            {
                var value = (Math.Sin(t / 8.0 + sequence) + random.NextDouble() * 0.1).ToString("0.00000", CultureInfo.InvariantCulture);
                if (layout == "wide") writer.Write($",{value}");
                else writer.Write($"s{sequence},{t},{value},{label}\n");
            }
            if (layout == "wide") writer.Write('\n');
        }
        return (path, values);
    }

    // Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
