using System.Globalization;

namespace GenApi.Worker.Datasets;

/// <summary>Sequences read from CSV text, in the data's own units: <c>Values[n][t][f]</c>, with labels when the file has them.</summary>
public sealed record SequenceTable(IReadOnlyList<float[][]> Values, IReadOnlyList<string?> Labels, IReadOnlyList<string> FeatureNames)
{
    public int Steps => Values[0].Length;
    public int Features => Values[0][0].Length;
}

/// <summary>
/// Parses untrusted CSV into sequences, in one of two layouts:
/// <list type="bullet">
/// <item>wide: one univariate sequence per row, one column per step, an optional <c>label</c> column (a header row is
/// recognised by a non-numeric cell in the first line);</item>
/// <item>long: a header with <c>sequence_id</c> and <c>t</c>, one row per step, every other column a feature (several make
/// a multivariate sequence), and an optional <c>label</c> column constant within a sequence.</item>
/// </list>
/// Every sequence must have the same length. Errors name the line and column, and nothing is kept from a refused file.
/// </summary>
public static class SequenceCsv
{
    public const string LabelColumn = "label";
    public const string IdColumn = "sequence_id";
    public const string StepColumn = "t";

    /// <summary>Reads <paramref name="text"/>; throws <see cref="UploadRejectedException"/> naming what is wrong.</summary>
    public static SequenceTable Parse(TextReader text, CsvLimits limits)
    {
        var lines = ReadLines(text, limits);
        if (lines.Count == 0) throw new UploadRejectedException("The CSV is empty.");
        var first = lines[0].Cells;
        var hasHeader = first.Any(c => !IsNumber(c));
        var header = hasHeader ? first.Select(c => c.Trim().ToLowerInvariant()).ToArray() : null;
        var rows = hasHeader ? lines.Skip(1).ToList() : lines;
        if (rows.Count == 0) throw new UploadRejectedException("The CSV has a header but no data rows.");
        if (header is not null && header.Distinct().Count() != header.Length)
            throw new UploadRejectedException($"Line {lines[0].Number}: the header names a column twice.");
        foreach (var row in rows)
            if (row.Cells.Length != first.Length)
                throw new UploadRejectedException($"Line {row.Number} has {row.Cells.Length} cells; the first line has {first.Length}: every row needs the same columns.");
        var table = header is not null && header.Contains(IdColumn) ? Long(header, first.Select(c => c.Trim()).ToArray(), rows, limits) : Wide(header, rows, limits);
        if (table.Steps < 2) throw new UploadRejectedException("Sequences need at least 2 steps.");
        return table;
    }

    private static SequenceTable Wide(string[]? header, List<Line> rows, CsvLimits limits)
    {
        var labelAt = header is null ? -1 : Array.IndexOf(header, LabelColumn);
        if (rows.Count > limits.MaxSequences) throw new UploadRejectedException($"The CSV holds {rows.Count} sequences; at most {limits.MaxSequences} are allowed.");
        var values = new List<float[][]>();
        var labels = new List<string?>();
        foreach (var row in rows)
        {
            var steps = new List<float[]>();
            for (var c = 0; c < row.Cells.Length; c++)
                if (c != labelAt) steps.Add([Number(row, c, header)]);
            values.Add(steps.ToArray());
            labels.Add(labelAt < 0 ? null : Label(row, labelAt));
        }
        return new SequenceTable(values, labels, SequenceValues.DefaultNames(1));
    }

    // header: lower-cased, to find the columns; names: as written, to name the features.
    private static SequenceTable Long(string[] header, string[] names, List<Line> rows, CsvLimits limits)
    {
        var (idAt, stepAt, labelAt) = (Array.IndexOf(header, IdColumn), Array.IndexOf(header, StepColumn), Array.IndexOf(header, LabelColumn));
        if (stepAt < 0) throw new UploadRejectedException($"A long-format CSV (with '{IdColumn}') needs a '{StepColumn}' column giving each row's step.");
        var featureColumns = Enumerable.Range(0, header.Length).Where(c => c != idAt && c != stepAt && c != labelAt).ToArray();
        if (featureColumns.Length == 0) throw new UploadRejectedException("The CSV has no value column besides sequence_id, t and label.");
        // Insertion order of first appearance: the file's order of sequences is kept.
        var sequences = new Dictionary<string, (SortedDictionary<double, float[]> Steps, string? Label, int Line)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var id = row.Cells[idAt].Trim();
            if (id.Length == 0) throw new UploadRejectedException($"Line {row.Number}, column '{IdColumn}': the sequence id is empty.");
            var t = Number(row, stepAt, header);
            var features = featureColumns.Select(c => Number(row, c, header)).ToArray();
            var label = labelAt < 0 ? null : Label(row, labelAt);
            if (!sequences.TryGetValue(id, out var sequence))
            {
                if (sequences.Count == limits.MaxSequences) throw new UploadRejectedException($"The CSV holds more than {limits.MaxSequences} sequences.");
                sequences[id] = sequence = (new SortedDictionary<double, float[]>(), label, row.Number);
            }
            if (sequence.Label != label)
                throw new UploadRejectedException($"Line {row.Number}, column '{LabelColumn}': sequence '{id}' is labelled '{sequence.Label}' on line {sequence.Line} and '{label}' here; a sequence has one label.");
            if (!sequence.Steps.TryAdd(t, features))
                throw new UploadRejectedException($"Line {row.Number}, column '{StepColumn}': sequence '{id}' has step {t} twice.");
        }
        var length = sequences.Values.First().Steps.Count;
        foreach (var (id, sequence) in sequences)
            if (sequence.Steps.Count != length)
                throw new UploadRejectedException($"Sequence '{id}' has {sequence.Steps.Count} steps and '{sequences.Keys.First()}' has {length}: every sequence needs the same length.");
        return new SequenceTable(sequences.Values.Select(s => s.Steps.Values.ToArray()).ToList(), sequences.Values.Select(s => s.Label).ToList(),
            featureColumns.Select(c => names[c]).ToList());
    }

    private static string Label(Line row, int column)
    {
        var label = row.Cells[column].Trim();
        if (label.Length is 0 or > 100) throw new UploadRejectedException($"Line {row.Number}, column '{LabelColumn}': a label must be 1 to 100 characters.");
        return label;
    }

    private static float Number(Line row, int column, string[]? header)
    {
        var cell = row.Cells[column].Trim();
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) < 1e30)
            return (float)value;
        var name = header is null ? $"{column + 1}" : $"{column + 1} ('{header[column]}')";
        throw new UploadRejectedException($"Line {row.Number}, column {name}: '{Shorten(cell)}' is not a finite number.");
    }

    private static bool IsNumber(string cell) => double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Shorten(string cell) => cell.Length <= 40 ? cell : cell[..40] + "…";

    private sealed record Line(int Number, string[] Cells);

    // Plain comma-separated cells (no quoting: every cell is a number, an id or a label); blank lines are skipped.
    private static List<Line> ReadLines(TextReader text, CsvLimits limits)
    {
        var lines = new List<Line>();
        var number = 0;
        while (text.ReadLine() is { } line)
        {
            number++;
            if (line.Length > limits.MaxLineCharacters)
                throw new UploadRejectedException($"Line {number} is longer than {limits.MaxLineCharacters} characters.");
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (line.Contains('"')) throw new UploadRejectedException($"Line {number}: quoted cells are not supported; cells are numbers, ids and labels without commas.");
            var cells = line.Split(',');
            if (cells.Length > limits.MaxColumns) throw new UploadRejectedException($"Line {number} has {cells.Length} columns; at most {limits.MaxColumns} are allowed.");
            if (lines.Count == limits.MaxRows) throw new UploadRejectedException($"The CSV has more than {limits.MaxRows} rows.");
            lines.Add(new Line(number, cells));
        }
        return lines;
    }
}

/// <summary>The bounds a CSV upload must stay within.</summary>
public sealed record CsvLimits(int MaxRows, int MaxColumns, int MaxSequences, int MaxLineCharacters = 1 << 20);
