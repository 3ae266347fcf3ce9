using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Datasets;

/// <summary>
/// A dataset preloaded as one tensor: images <c>[N, C, H, W]</c> scaled to [-1, 1] (the range of the
/// generator's tanh) and labels <c>[N]</c>. Preloading keeps data loading out of the training step.
/// Sequence datasets use the same layout as one-channel planes <c>[N, 1, T, F]</c>: row t holds step t's F features,
/// which is also how a sequence model reads an image (row by row), so both kinds share loading, batching and caching.
/// </summary>
/// <param name="classCount">Number of label values; 0 when the images carry no labels.</param>
/// <param name="sequences">Whether the planes are sequences (T steps of F features) rather than images.</param>
public sealed class ImageDataset(string name, Tensor images, Tensor labels, int classCount, bool sequences = false)
{
    public string Name { get; } = name;
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;
    public int ClassCount { get; } = classCount;
    public long Count => Images.shape[0];
    public int Channels => (int)Images.shape[1];
    /// <summary>Side of the images; for sequences, their length T.</summary>
    public int ImageSize => (int)Images.shape[2];
    public bool Sequences { get; } = sequences;

    /// <summary>
    /// This dataset with its tensors owned by no dispose scope, for a cache that outlives the job that loaded it: a job's
    /// scope (a compression's, say) would otherwise dispose them at its end, under the next job's feet.
    /// </summary>
    public ImageDataset Kept()
    {
        Images.DetachFromDisposeScope();
        Labels.DetachFromDisposeScope();
        return this;
    }

    /// <summary>Builds a dataset from 8-bit pixels laid out as <c>[N, C, H, W]</c>.</summary>
    public static ImageDataset FromBytes(string name, byte[] pixels, long[] labels, int count, int channels, int size, int classCount)
    {
        using var scope = NewDisposeScope();
        var images = tensor(pixels, new long[] { count, channels, size, size })
            .to(float32).div_(127.5).sub_(1.0);
        return new ImageDataset(name, images.MoveToOuterDisposeScope(), tensor(labels).MoveToOuterDisposeScope(), classCount);
    }

    /// <summary>The same images at <paramref name="size"/>×<paramref name="size"/> (antialiased bilinear; this dataset when already that size).
    /// Sequences are cut into consecutive windows of <paramref name="size"/> steps instead (the rest of each sequence is dropped).</summary>
    public ImageDataset Resized(int size)
    {
        if (size == ImageSize) return this;
        using var scope = NewDisposeScope();
        if (Sequences)
        {
            var windows = ImageSize / size;
            if (windows == 0) throw new ArgumentException($"Sequences of {ImageSize} steps hold no window of {size}.");
            // [N, 1, k·size, F] → [N·k, 1, size, F]: window j of sequence n is row n·k + j, and keeps n's label.
            var cut = Images.narrow(2, 0, windows * size).reshape(Count * windows, 1, size, Images.shape[3]);
            return new ImageDataset(Name, cut.contiguous().MoveToOuterDisposeScope(), Labels.repeat_interleave(windows).MoveToOuterDisposeScope(), ClassCount, true);
        }
        var chunks = new List<Tensor>();
        // In chunks: one interpolate over 60,000 images would need all intermediate buffers at once.
        for (long start = 0; start < Count; start += 4096)
            chunks.Add(nn.functional.interpolate(Images.narrow(0, start, Math.Min(4096, Count - start)), [size, size],
                mode: InterpolationMode.Bilinear, align_corners: false, antialias: size < ImageSize).clamp_(-1, 1));
        return new ImageDataset(Name, cat(chunks).MoveToOuterDisposeScope(), Labels, ClassCount);
    }
}
