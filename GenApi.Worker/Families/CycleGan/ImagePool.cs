using static TorchSharp.torch;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>
/// The history of generated images a CycleGAN discriminator also sees (Shrivastava et al. 2017), which damps the
/// oscillation of D chasing G's latest output. Until full, every new image is stored and passed on; then each image
/// is, with probability ½, swapped for a random stored one (which it replaces). Decisions come from the trainer's random
/// stream and the pool is a module buffer, so a resumed run sees the same history; no host sync per step.
/// </summary>
public sealed class ImagePool : nn.Module
{
    private readonly Tensor _images;
    private readonly Tensor _filled;
    private readonly int _capacity;
    private int _count;

    public ImagePool(int capacity, long channels, long size, Device device) : base(nameof(ImagePool))
    {
        _capacity = capacity;
        _images = zeros(new long[] { Math.Max(capacity, 1), channels, size, size }, device: device);
        _filled = zeros(1, int64, device: device);
        register_buffer("images", _images);
        register_buffer("filled", _filled);
    }

    /// <summary>Images stored so far (at most the capacity).</summary>
    public int Count => _count;

    /// <summary>The batch D is shown in place of <paramref name="fakes"/> (detached): new images and, once full, some from history.</summary>
    public Tensor Query(Tensor fakes, Generator random)
    {
        var fresh = fakes.detach();
        if (_capacity == 0) return fresh;
        using var noGrad = no_grad();
        var n = fresh.shape[0];
        var store = (int)Math.Min(_capacity - _count, n);
        if (store > 0)
        {
            _images.narrow(0, _count, store).copy_(fresh.narrow(0, 0, store));
            _count += store;
            _filled.fill_(_count);
            if (store == n) return fresh;
        }
        var rest = fresh.narrow(0, store, n - store);
        var swap = empty(rest.shape[0], device: rest.device).uniform_(0, 1, generator: random).lt(0.5).view(-1, 1, 1, 1);
        var slots = randint(_capacity, new long[] { rest.shape[0] }, dtype: int64, device: rest.device, generator: random);
        var old = _images.index_select(0, slots);
        var shown = where(swap, old, rest);
        // A swapped image takes its slot; an image passed on leaves the slot as it was.
        _images.index_copy_(0, slots, where(swap, rest, old));
        return store > 0 ? cat([fresh.narrow(0, 0, store), shown]) : shown;
    }

    /// <summary>Reads the fill level back after a checkpoint was loaded into the buffers.</summary>
    public void Restore() => _count = (int)_filled.item<long>();
}
