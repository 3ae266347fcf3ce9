using TorchSharp;

namespace GenApi.Worker.Datasets;

/// <summary>
/// A dataset preloaded as one tensor: images <c>[N, C, H, W]</c> scaled to [-1, 1] (the range of the
/// generator's tanh) and labels <c>[N]</c>. Preloading keeps data loading out of the training step.
/// </summary>
public sealed class ImageDataset(string name, torch.Tensor images, torch.Tensor labels, int classCount)
{
    public string Name { get; } = name;
    public torch.Tensor Images { get; } = images;
    public torch.Tensor Labels { get; } = labels;
    public int ClassCount { get; } = classCount;
    public long Count => Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int ImageSize => (int)Images.shape[2];

    /// <summary>Builds a dataset from 8-bit pixels laid out as <c>[N, C, H, W]</c>.</summary>
    public static ImageDataset FromBytes(string name, byte[] pixels, long[] labels, int count, int channels, int size, int classCount)
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, new long[] { count, channels, size, size })
            .to(torch.float32).div_(127.5).sub_(1.0);
        return new ImageDataset(name, images.MoveToOuterDisposeScope(), torch.tensor(labels).MoveToOuterDisposeScope(), classCount);
    }
}
