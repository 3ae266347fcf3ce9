using GenApi.Worker.Datasets;
using Tensor = TorchSharp.torch.Tensor;
using GenApi.Worker.Contracts;

namespace GenApi.Endpoints;

/// <summary>An image sent as a request body (reconstruct, translate): decoded to the model's size and channels, or a field error.</summary>
public static class ImageBody
{
    /// <summary>The body as <c>[C, H, W]</c> in [-1, 1], or null with the reason in <paramref name="errors"/>["body"].</summary>
    public static async Task<Tensor?> ReadAsync(HttpRequest request, ModelRecord model, long maxPixels, Dictionary<string, string[]> errors, CancellationToken cancellation)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellation);
        try
        {
            var image = SquareImage.Decode(body.ToArray(), model.Config.ImageSize, model.Config.Channels, maxPixels);
            if (image is null) errors["body"] = ["The body must be a PNG or JPEG image."];
            return image;
        }
        catch (ImageTooLargeException error)
        {
            errors["body"] = [error.Message];
            return null;
        }
    }
}
