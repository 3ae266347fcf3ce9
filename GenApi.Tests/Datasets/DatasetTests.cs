using System.Buffers.Binary;
using System.IO.Compression;
using GenApi.Worker.Datasets;

namespace GenApi.Tests.Datasets;

public sealed class DatasetTests
{
    [Fact]
    public void IdxReader_ReadsGzippedUnsignedBytes()
    {
        var path = Path.Combine(TestPaths.NewScratch(), "images-idx3-ubyte.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write([0, 0, 0x08, 3]);
            Span<byte> dim = stackalloc byte[4];
            foreach (var d in new[] { 2, 2, 3 })
            {
                BinaryPrimitives.WriteInt32BigEndian(dim, d);
                gzip.Write(dim);
            }
            gzip.Write(Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray());
        }

        var (dims, data) = IdxReader.Read(path);
        Assert.Equal([2, 2, 3], dims);
        Assert.Equal(220, data[11]);
    }

    [Fact]
    public void Problem_ExplainsHowToInstallFashionMnist_WhenAbsent()
    {
        var folder = TestPaths.NewScratch();
        var catalog = DatasetCatalog.Create(new DatasetOptions { FashionMnistPath = folder, MnistPath = folder, Cifar10Path = folder }, TestPaths.NewScratch());
        Assert.Contains("apt-get install dataset-fashion-mnist", catalog.Problem(DatasetCatalog.FashionMnist));
        // Teams read these words: the setting to change, never the server's folders.
        foreach (var name in new[] { DatasetCatalog.FashionMnist, DatasetCatalog.Mnist, DatasetCatalog.Cifar10 })
        {
            Assert.DoesNotContain(folder, catalog.Problem(name));
            Assert.DoesNotContain(folder, catalog.TestSplitProblem(name));
            Assert.Contains("Datasets:", catalog.Problem(name));
        }
        Assert.Null(catalog.Problem(DatasetCatalog.Synthetic));
        Assert.Throws<InvalidOperationException>(() => catalog.Load(DatasetCatalog.FashionMnist));
    }

    [Fact]
    public void SyntheticShapes_AreDeterministic_AndScaledToTanhRange()
    {
        var a = SyntheticShapes.Create();
        var b = SyntheticShapes.Create();
        Assert.Equal(new long[] { SyntheticShapes.Count, 1, 28, 28 }, a.Images.shape);
        Assert.True(a.Images.equal(b.Images).all().item<bool>());
        Assert.Equal(-1f, a.Images.min().item<float>());
        Assert.True(a.Images.max().item<float>() > 0.2f);
    }

    /// <summary>Writes MNIST-format IDX files (unpacked, as some distributions ship them): image n is filled with n·10.</summary>
    internal static string WriteMnist(int count)
    {
        var folder = TestPaths.NewScratch();
        void Write(string name, int[] dims, byte[] data)
        {
            using var file = File.Create(Path.Combine(folder, name));
            file.Write([0, 0, 0x08, (byte)dims.Length]);
            var word = new byte[4];
            foreach (var d in dims)
            {
                BinaryPrimitives.WriteInt32BigEndian(word, d);
                file.Write(word);
            }
            file.Write(data);
        }
        foreach (var split in new[] { "train", "t10k" })
        {
            Write($"{split}-images-idx3-ubyte", [count, 28, 28], Enumerable.Range(0, count).SelectMany(n => Enumerable.Repeat((byte)(n * 10), 28 * 28)).ToArray());
            Write($"{split}-labels-idx1-ubyte", [count], Enumerable.Range(0, count).Select(n => (byte)(n % 10)).ToArray());
        }
        return folder;
    }

    /// <summary>Writes CIFAR-10 binary batches of <paramref name="perBatch"/> records: label n mod 10, red plane 255, others 0.</summary>
    internal static string WriteCifar10(int perBatch)
    {
        var folder = TestPaths.NewScratch();
        foreach (var name in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
            File.WriteAllBytes(Path.Combine(folder, name), Enumerable.Range(0, perBatch)
                .SelectMany(n => new[] { (byte)(n % 10) }.Concat(Enumerable.Repeat((byte)255, 1024)).Concat(new byte[2048])).ToArray());
        return folder;
    }

    [Fact]
    public void Mnist_LoadsFromUnpackedIdxFiles_AndNamesTheSettingWhenAbsent()
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions { MnistPath = WriteMnist(12) }, TestPaths.NewScratch());
        var train = catalog.Load(DatasetCatalog.Mnist);
        Assert.Equal(new long[] { 12, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(5L, train.Labels[5].item<long>());
        Assert.Equal(10 * 3 / 127.5 - 1, train.Images[3].mean().item<float>(), 4);
        Assert.Null(catalog.TestSplitProblem(DatasetCatalog.Mnist));

        var absent = DatasetCatalog.Create(new DatasetOptions { MnistPath = "/nowhere" }, TestPaths.NewScratch());
        Assert.Contains("Datasets:MnistPath", absent.Problem(DatasetCatalog.Mnist));
        Assert.Contains("Datasets:MnistPath", absent.Problem(DatasetCatalog.Mnist));
        Assert.DoesNotContain("/nowhere", absent.Problem(DatasetCatalog.Mnist));
    }

    [Fact]
    public void Cifar10_LoadsTheBinaryBatches_AsRgb32()
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions { Cifar10Path = WriteCifar10(4) }, TestPaths.NewScratch());
        var train = catalog.Load(DatasetCatalog.Cifar10);
        Assert.Equal(new long[] { 20, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(1L, train.Labels[13].item<long>()); // record 1 of the fourth batch
        Assert.Equal(1f, train.Images[0, 0].mean().item<float>());
        Assert.Equal(-1f, train.Images[0, 1].mean().item<float>());
        Assert.Equal(4, catalog.Load(DatasetCatalog.Cifar10, test: true).Count);
    }

    [Fact]
    public void Resized_KeepsLabels_AndTheTanhRange()
    {
        var catalog = DatasetCatalog.Create(new DatasetOptions(), TestPaths.NewScratch());
        var resized = catalog.Load(DatasetCatalog.Synthetic, size: 64);
        Assert.Equal(new long[] { SyntheticShapes.Count, 1, 64, 64 }, resized.Images.shape);
        Assert.Same(resized, catalog.Load(DatasetCatalog.Synthetic, size: 64));
        Assert.True(resized.Images.min().item<float>() >= -1 && resized.Images.max().item<float>() <= 1);
        Assert.Equal(catalog.Load(DatasetCatalog.Synthetic).Images.mean().item<float>(), resized.Images.mean().item<float>(), 2);
    }
}
