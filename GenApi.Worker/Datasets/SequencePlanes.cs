using static TorchSharp.torch;

namespace GenApi.Worker.Datasets;

/// <summary>Between the datasets' planes <c>[B, C, T, W]</c> and the steps a recurrent network reads, <c>[B, T, C·W]</c>.</summary>
public static class SequencePlanes
{
    /// <summary>Step t holds row t of every channel.</summary>
    public static Tensor ToSteps(Tensor planes) =>
        planes.permute(0, 2, 1, 3).reshape(planes.shape[0], planes.shape[2], planes.shape[1] * planes.shape[3]);

    /// <summary>The inverse of <see cref="ToSteps"/>.</summary>
    public static Tensor ToPlanes(Tensor steps, int channels) =>
        steps.view(steps.shape[0], steps.shape[1], channels, -1).permute(0, 2, 1, 3).contiguous();

    /// <summary>Appends the one-hot label to every step.</summary>
    public static Tensor WithLabel(Tensor steps, Tensor? labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels, "A conditional model needs labels.");
        var onehot = nn.functional.one_hot(labels, classes).to(steps.dtype).unsqueeze(1).expand(-1, steps.shape[1], -1);
        return cat([steps, onehot], 2);
    }
}
