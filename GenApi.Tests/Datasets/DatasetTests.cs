using System.Buffers.Binary;
using System.IO.Compression;
using GenApi.Worker.Datasets;
using Microsoft.Extensions.Options;

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
        var catalog = DatasetCatalog.Create(new DatasetOptions { FashionMnistPath = TestPaths.NewScratch() }, TestPaths.NewScratch());
        Assert.Contains("apt-get install dataset-fashion-mnist", catalog.Problem(DatasetCatalog.FashionMnist));
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
}
