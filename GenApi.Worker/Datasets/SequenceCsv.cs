using System.Globalization;
using GenApi.Worker.Contracts;

namespace GenApi.Worker.Datasets;

/// <summary>
/// Sequences read from CSV text, in the data's own units: <see cref="Values"/> holds sequence n's step t feature f at
/// <c>(n × Steps + t) × Features + f</c>, with labels when the file has them.
/// </summary>
public sealed record SequenceTable(float[] Values, int Count, int Steps, int Features, IReadOnlyList<string?> Labels, IReadOnlyList<string> FeatureNames)
{
    /// <summary>Sequence <paramref name="n"/> as steps of features.</summary>
    public float[][] Sequence(int n) =>
        Enumerable.Range(0, Steps).Select(t => Values.AsSpan((n * Steps + t) * Features, Features).ToArray()).ToArray();
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
/// Cells are parsed straight from the line's characters into floats, and a line is read into a buffer bounded at
/// <see cref="CsvLimits.MaxLineCharacters"/>: a 20 MB file costs its values (4 bytes each), not a string and an array per cell.
/// </summary>
public static class SequenceCsv
{
    public const string LabelColumn = "label";
    public const string IdColumn = "sequence_id";
    public const string StepColumn = "t";

    /// <summary>Reads <paramref name="text"/>; throws <see cref="UploadRejectedException"/> naming what is wrong.</summary>
    public static SequenceTable Parse(TextReader text, CsvLimits limits)
    {
        var reader = new CsvLineReader(text, limits);
        if (!reader.Next()) throw new UploadRejectedException("The CSV is empty.");
        var firstLine = reader.Number;
        var first = reader.Cells().Select(c => c.ToString()).ToArray();
        var hasHeader = first.Any(c => !IsNumber(c));
        var header = hasHeader ? first.Select(c => c.Trim().ToLowerInvariant()).ToArray() : null;
        if (header is not null && header.Distinct().Count() != header.Length)
            throw new UploadRejectedException($"Line {firstLine}: the header names a column twice.");
        var rows = new Rows(reader, first.Length, hasHeader ? null : first);
        var table = header is not null && header.Contains(IdColumn)
            ? Long(header, first.Select(c => c.Trim()).ToArray(), rows, limits)
            : Wide(header, first.Length, rows, limits);
        if (table.Steps < 2) throw new UploadRejectedException("Sequences need at least 2 steps.");
        return table;
    }

    private static SequenceTable Wide(string[]? header, int columns, Rows rows, CsvLimits limits)
    {
        var labelAt = header is null ? -1 : Array.IndexOf(header, LabelColumn);
        var steps = columns - (labelAt < 0 ? 0 : 1);
        var values = new FloatBuffer(limits.MaxValues);
        var labels = new List<string?>();
        while (rows.Next())
        {
            for (var c = 0; c < columns; c++)
                if (c != labelAt) values.Add(rows.Number(c, header));
            labels.Add(labelAt < 0 ? null : rows.Label(labelAt));
        }
        if (labels.Count == 0) throw new UploadRejectedException("The CSV has a header but no data rows.");
        // Checked once every row is read (memory is bounded by the rows and values limits meanwhile), so the rows limit is named first.
        if (labels.Count > limits.MaxSequences) throw new UploadRejectedException($"The CSV holds {labels.Count} sequences; at most {limits.MaxSequences} are allowed.");
        return new SequenceTable(values.ToArray(), labels.Count, steps, 1, labels, SequenceValues.DefaultNames(1));
    }

    // header: lower-cased, to find the columns; names: as written, to name the features.
    private static SequenceTable Long(string[] header, string[] names, Rows rows, CsvLimits limits)
    {
        var (idAt, stepAt, labelAt) = (Array.IndexOf(header, IdColumn), Array.IndexOf(header, StepColumn), Array.IndexOf(header, LabelColumn));
        if (stepAt < 0) throw new UploadRejectedException($"A long-format CSV (with '{IdColumn}') needs a '{StepColumn}' column giving each row's step.");
        var featureColumns = Enumerable.Range(0, header.Length).Where(c => c != idAt && c != stepAt && c != labelAt).ToArray();
        if (featureColumns.Length == 0) throw new UploadRejectedException("The CSV has no value column besides sequence_id, t and label.");
        foreach (var c in featureColumns) FormulaSafe(names[c], 1, $"{c + 1}");
        // Rows' features go to one buffer; each sequence keeps (t, where its features are), sorted at the end.
        var features = new FloatBuffer(limits.MaxValues);
        var sequences = new List<(string Id, List<(double T, int At, int Line)> Steps, string? Label, int Line)>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = byId.GetAlternateLookup<ReadOnlySpan<char>>();
        var rowCount = 0;
        while (rows.Next())
        {
            rowCount++;
            var id = rows.Cell(idAt).Trim();
            if (id.Length == 0) throw new UploadRejectedException($"Line {rows.Line}, column '{IdColumn}': the sequence id is empty.");
            var t = rows.Number(stepAt, header);
            var at = features.Count;
            foreach (var c in featureColumns) features.Add(rows.Number(c, header));
            var label = labelAt < 0 ? null : rows.Label(labelAt);
            if (!lookup.TryGetValue(id, out var index))
            {
                if (sequences.Count == limits.MaxSequences) throw new UploadRejectedException($"The CSV holds more than {limits.MaxSequences} sequences.");
                var name = id.ToString();
                byId[name] = index = sequences.Count;
                sequences.Add((name, [], label, rows.Line));
            }
            var sequence = sequences[index];
            if (sequence.Label != label)
                throw new UploadRejectedException($"Line {rows.Line}, column '{LabelColumn}': sequence '{sequence.Id}' is labelled '{sequence.Label}' on line {sequence.Line} and '{label}' here; a sequence has one label.");
            sequence.Steps.Add((t, at, rows.Line));
        }
        if (rowCount == 0) throw new UploadRejectedException("The CSV has a header but no data rows.");
        var length = sequences[0].Steps.Count;
        var width = featureColumns.Length;
        var values = new float[(long)sequences.Count * length * width];
        for (var n = 0; n < sequences.Count; n++)
        {
            var (id, steps, _, _) = sequences[n];
            if (steps.Count != length)
                throw new UploadRejectedException($"Sequence '{id}' has {steps.Count} steps and '{sequences[0].Id}' has {length}: every sequence needs the same length.");
            steps.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.Line.CompareTo(b.Line));
            for (var s = 1; s < steps.Count; s++)
                if (steps[s].T == steps[s - 1].T)
                    throw new UploadRejectedException($"Line {steps[s].Line}, column '{StepColumn}': sequence '{id}' has step {steps[s].T} twice.");
            for (var s = 0; s < length; s++) features.CopyTo(steps[s].At, values.AsSpan((n * length + s) * width, width));
        }
        return new SequenceTable(values, sequences.Count, length, width, sequences.Select(s => s.Label).ToList(), featureColumns.Select(c => names[c]).ToList());
    }

    /// <summary>
    /// A label or feature name is written back into <c>samples.csv</c>: one a spreadsheet would run as a formula
    /// (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return first, and not a number) is refused, naming its cell.
    /// </summary>
    public static void FormulaSafe(string text, int line, string column)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsNumber(text))
            throw new UploadRejectedException($"Line {line}, column {column}: '{Shorten(text)}' starts with '{(text[0] is '\t' ? "\\t" : text[0] is '\r' ? "\\r" : text[0])}', which a spreadsheet would run as a formula; rename it.");
    }

    private static bool IsNumber(ReadOnlySpan<char> cell) => double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Shorten(ReadOnlySpan<char> cell) => cell.Length <= 40 ? cell.ToString() : string.Concat(cell[..40], "…");

    // The data rows after the first line (or including it, when it is not a header): each checked for its cell count.
    private sealed class Rows(CsvLineReader reader, int columns, string[]? firstIsData)
    {
        private string[]? _pending = firstIsData;
        private readonly List<Range> _cells = [];
        private ReadOnlyMemory<char> _line;

        public int Line { get; private set; }

        public bool Next()
        {
            if (_pending is { } pending)
            {
                _pending = null;
                _line = string.Join(',', pending).AsMemory();
                Line = reader.Number;
            }
            else if (reader.Next())
            {
                _line = reader.Current;
                Line = reader.Number;
            }
            else return false;
            _cells.Clear();
            var span = _line.Span;
            var start = 0;
            for (var i = 0; i <= span.Length; i++)
                if (i == span.Length || span[i] == ',')
                {
                    _cells.Add(start..i);
                    start = i + 1;
                }
            if (_cells.Count != columns)
                throw new UploadRejectedException($"Line {Line} has {_cells.Count} cells; the first line has {columns}: every row needs the same columns.");
            return true;
        }

        public ReadOnlySpan<char> Cell(int column) => _line.Span[_cells[column]];

        public float Number(int column, string[]? header)
        {
            var cell = Cell(column).Trim();
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) < 1e30)
                return (float)value;
            var name = header is null ? $"{column + 1}" : $"{column + 1} ('{header[column]}')";
            throw new UploadRejectedException($"Line {Line}, column {name}: '{Shorten(cell)}' is not a finite number.");
        }

        // Labels repeat: one string per distinct label, not per row.
        private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

        public string Label(int column)
        {
            var cell = Cell(column).Trim();
            if (cell.Length is 0 or > 100) throw new UploadRejectedException($"Line {Line}, column '{LabelColumn}': a label must be 1 to 100 characters.");
            var lookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(cell, out var known)) return known;
            var label = cell.ToString();
            FormulaSafe(label, Line, $"'{LabelColumn}'");
            return _labels[label] = label;
        }
    }

    private sealed class FloatBuffer(long max)
    {
        private float[] _values = new float[1024];

        public int Count { get; private set; }

        public void Add(float value)
        {
            if (Count == _values.Length)
            {
                if (Count >= max)
                    throw new UploadTooLargeException($"The CSV holds more than {max:N0} values: stored at 4 bytes each, more than an upload may store (Datasets:MaxUploadBytes).");
                Array.Resize(ref _values, (int)Math.Min(Math.Min((long)_values.Length * 2, Array.MaxLength), Math.Max(max, 1024)));
            }
            _values[Count++] = value;
        }

        public void CopyTo(int at, Span<float> target) => _values.AsSpan(at, target.Length).CopyTo(target);

        public float[] ToArray() => _values.AsSpan(0, Count).ToArray();
    }
}

/// <summary>Reads the non-blank lines of untrusted text without ever holding more than <see cref="CsvLimits.MaxLineCharacters"/> of one.</summary>
internal sealed class CsvLineReader(TextReader text, CsvLimits limits)
{
    private readonly char[] _block = new char[64 * 1024];
    private int _at, _end;
    private char[] _line = new char[256];
    private int _length, _rows;

    /// <summary>The line number (1-based, blank lines counted) of <see cref="Current"/>.</summary>
    public int Number { get; private set; }

    public ReadOnlyMemory<char> Current => _line.AsMemory(0, _length);

    public IEnumerable<string> Cells() => Current.ToString().Split(',');

    public bool Next()
    {
        while (ReadLine())
        {
            var line = _line.AsSpan(0, _length);
            if (line.IsWhiteSpace()) continue;
            if (line.Contains('"')) throw new UploadRejectedException($"Line {Number}: quoted cells are not supported; cells are numbers, ids and labels without commas.");
            if (line.Count(',') + 1 > limits.MaxColumns) throw new UploadRejectedException($"Line {Number} has {line.Count(',') + 1} columns; at most {limits.MaxColumns} are allowed.");
            if (_rows == limits.MaxRows) throw new UploadRejectedException($"The CSV has more than {limits.MaxRows} rows.");
            _rows++;
            return true;
        }
        return false;
    }

    private bool ReadLine()
    {
        _length = 0;
        var any = false;
        while (true)
        {
            if (_at == _end)
            {
                _end = text.Read(_block, 0, _block.Length);
                _at = 0;
                if (_end == 0)
                {
                    if (any) Number++;
                    return any;
                }
            }
            any = true;
            var rest = _block.AsSpan(_at, _end - _at);
            var newline = rest.IndexOf('\n');
            var take = newline < 0 ? rest : rest[..newline];
            if (_length + take.Length > limits.MaxLineCharacters)
                throw new UploadRejectedException($"Line {Number + 1} is longer than {limits.MaxLineCharacters} characters.");
            if (_length + take.Length > _line.Length) Array.Resize(ref _line, Math.Min(Math.Max(_line.Length * 2, _length + take.Length), limits.MaxLineCharacters));
            take.CopyTo(_line.AsSpan(_length));
            _length += take.Length;
            _at += take.Length;
            if (newline < 0) continue;
            _at++;
            Number++;
            if (_length > 0 && _line[_length - 1] == '\r') _length--;
            return true;
        }
    }
}

/// <summary>The bounds a CSV upload must stay within.</summary>
/// <param name="MaxValues">Numbers the file may hold in all (4 bytes each as stored): the upload's storage budget.</param>
public sealed record CsvLimits(int MaxRows, int MaxColumns, int MaxSequences, int MaxLineCharacters = 1 << 20, long MaxValues = int.MaxValue);
