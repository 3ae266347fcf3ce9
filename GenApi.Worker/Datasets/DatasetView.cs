using System.Globalization;
using GenApi.Worker.Contracts;
using TorchSharp;

namespace GenApi.Worker.Datasets;

/// <summary>
/// Part of a dataset, named in place of it: <c>{dataset}:{class},{class}…</c> keeps those classes (relabelled 0…k−1 in the order
/// given; <c>*</c> keeps all), and <c>{dataset}:{classes}:{n}</c> the first n of them in the training split, for small-data
/// runs such as a transfer onto 1,000 images. The test split keeps every image of the classes, so scores compare on one footing.
/// Examples: <c>fashion-mnist:sandal,sneaker,ankle-boot</c>, <c>fashion-mnist:*:1000</c>.
/// </summary>
public sealed record DatasetView(string Base, IReadOnlyList<string>? Classes, int? Limit)
{
    public const char Separator = ':';
    public const int MaxLimit = 1_000_000;

    public static bool IsView(string name) => name.Contains(Separator);

    /// <summary>The view <paramref name="name"/> names, or null with the reason in <paramref name="problem"/>.</summary>
    public static DatasetView? Parse(string name, out string? problem)
    {
        problem = null;
        var parts = name.Split(Separator);
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0)
        {
            problem = $"'{name}' is not a dataset view: write {{dataset}}:{{class}},{{class}}… or {{dataset}}:{{classes or *}}:{{count}}.";
            return null;
        }
        IReadOnlyList<string>? classes = parts[1] == "*" ? null : parts[1].Split(',', StringSplitOptions.TrimEntries);
        if (classes is not null && (classes.Any(c => c.Length == 0) || classes.Distinct().Count() != classes.Count))
        {
            problem = $"'{name}' lists an empty or repeated class; give each class once, separated by commas.";
            return null;
        }
        int? limit = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxLimit)
            {
                problem = $"'{name}' ends in '{parts[2]}'; the image count after the classes must be between 1 and {MaxLimit:N0}.";
                return null;
            }
            limit = n;
        }
        return new DatasetView(parts[0], classes, limit);
    }

    /// <summary>Why this view does not fit <paramref name="shape"/> (the base dataset's); null when it does.</summary>
    public string? Problem(DatasetShape shape)
    {
        if (Classes is null) return null;
        if (shape.Classes == 0) return $"Dataset '{Base}' has no classes to choose from; use {Base}:*:{{count}} for its first images.";
        var unknown = Classes.Where(c => !shape.ClassNames.Contains(c)).ToList();
        return unknown.Count == 0 ? null
            : $"Dataset '{Base}' has no class {string.Join(", ", unknown.Select(c => $"'{c}'"))}; its classes are {string.Join(", ", shape.ClassNames)}.";
    }

    /// <summary>The base's shape as the view sees it: its classes.</summary>
    public DatasetShape Shape(DatasetShape shape) => Classes is null ? shape : shape with { ClassNames = Classes };

    /// <summary>The view of <paramref name="data"/>, the base's split: the classes kept and relabelled, then the first images.</summary>
    public ImageDataset Select(ImageDataset data, DatasetShape shape, string name, bool test)
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = (data.Images, data.Labels);
        if (Classes is not null)
        {
            var indexes = Classes.Select(c => (long)shape.ClassNames.ToList().IndexOf(c)).ToArray();
            // Old label → new label (−1: dropped), then the rows whose label is kept.
            var map = torch.full(shape.Classes, -1L, dtype: torch.int64);
            for (var i = 0; i < indexes.Length; i++) map[indexes[i]] = torch.tensor((long)i);
            var relabelled = map.index(labels.to(torch.int64));
            var kept = torch.nonzero(relabelled.ge(0)).flatten();
            (images, labels) = (images.index_select(0, kept), relabelled.index_select(0, kept));
        }
        if (!test && Limit is { } limit && limit < images.shape[0])
            (images, labels) = (images.narrow(0, 0, limit), labels.narrow(0, 0, limit));
        return new ImageDataset(name, images.contiguous().MoveToOuterDisposeScope(), labels.contiguous().MoveToOuterDisposeScope(),
            Classes?.Count ?? data.ClassCount, data.Sequences);
    }

    /// <summary>The dataset whose classifier and reference statistics score runs on <paramref name="name"/>: a view without its
    /// image count, so a 1,000-image run and a full one are scored on one footing (the test split is the same).</summary>
    public static string EvaluationName(string name) =>
        IsView(name) && Parse(name, out _) is { Limit: not null } view
            ? view.Classes is null ? view.Base : $"{view.Base}{Separator}{string.Join(',', view.Classes)}"
            : name;

    /// <summary>A folder name for per-dataset files (the evaluator's classifier): the view's name without separators.</summary>
    public static string FolderName(string name) => IsView(name)
        ? string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + "-" + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).AsSpan(0, 4))
        : name;
}
