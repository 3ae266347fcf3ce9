namespace GenApi.Worker.Contracts;

/// <summary>What a dataset holds, as validation needs it: image size, channels, and its class names (empty when unlabelled);
/// for a sequence dataset, <see cref="Size"/> is the sequences' length and <see cref="Sequence"/> says what each step holds.</summary>
public sealed record DatasetShape(int Size, int Channels, IReadOnlyList<string> ClassNames, SequenceValues? Sequence = null)
{
    public int Classes => ClassNames.Count;
    public bool Sequences => Sequence is not null;
}
