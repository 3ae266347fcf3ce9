using static TorchSharp.torch;

namespace GenApi.Worker.Models;

/// <summary>Conditions a convolutional network on a class by appending one constant one-hot plane per class to its input.</summary>
internal static class LabelPlanes
{
    public static Tensor Append(Tensor images, Tensor? labels, int classes)
    {
        var planes = nn.functional.one_hot(labels ?? throw new ArgumentException("A conditional network needs labels."), classes)
            .to(images.dtype).view(images.shape[0], classes, 1, 1).expand(-1, -1, images.shape[2], images.shape[3]);
        return cat([images, planes], 1);
    }
}
