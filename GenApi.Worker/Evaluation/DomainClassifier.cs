using GenApi.Worker.Datasets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Evaluation;

/// <summary>
/// A small CNN classifier for one dataset, trained once; its 128-d penultimate layer is the feature space in which
/// generated and real images are compared ("Fréchet distance on a domain classifier": Inception weights cannot be
/// downloaded here, and a classifier of the domain itself sees the features that matter for it). For a sequence
/// dataset the features come from a bidirectional GRU over its steps instead.
/// </summary>
public sealed class DomainClassifier : Module<Tensor, Tensor>
{
    public const int FeatureSize = 128;
    private readonly Module<Tensor, Tensor> _features;
    private readonly Sequential _head;

    /// <summary>A classifier of sequences <c>[N, 1, T, F]</c>.</summary>
    public static DomainClassifier ForSequences(int features, int classes) => new(new SequenceFeatures(features), classes);

    private DomainClassifier(Module<Tensor, Tensor> features, int classes) : base(nameof(DomainClassifier))
    {
        _features = features;
        _head = Sequential(Dropout(0.3), Linear(FeatureSize, classes));
        RegisterComponents();
    }

    public DomainClassifier(int channels, int imageSize, int classes) : base(nameof(DomainClassifier))
    {
        var side = imageSize / 4;
        _features = Sequential(
            // (channels) x size x size → 32 x size/2 x size/2
            Conv2d(channels, 32, 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
            // → 64 x size/4 x size/4
            Conv2d(32, 64, 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(2),
            Flatten(), Linear(64 * side * side, FeatureSize), ReLU());
        _head = Sequential(Dropout(0.3), Linear(FeatureSize, classes));
        RegisterComponents();
    }

    /// <summary>Class logits.</summary>
    public override Tensor forward(Tensor images) => _head.forward(_features.forward(images));

    /// <summary>Class logits from <see cref="Features"/>.</summary>
    public Tensor Logits(Tensor features) => _head.forward(features);

    /// <summary>The penultimate features, <c>[N, 128]</c>.</summary>
    public Tensor Features(Tensor images) => _features.forward(images);
}

/// <summary>Sequence features: a bidirectional GRU's final states, both ways, through a linear layer.</summary>
internal sealed class SequenceFeatures : Module<Tensor, Tensor>
{
    private const int Hidden = 64;
    private readonly GRU _rnn;
    private readonly Sequential _project;

    public SequenceFeatures(int features) : base(nameof(SequenceFeatures))
    {
        _rnn = GRU(features, Hidden, batchFirst: true, bidirectional: true);
        // state size: (2 · 64) → 128
        _project = Sequential(Linear(2 * Hidden, DomainClassifier.FeatureSize), ReLU());
        RegisterComponents();
    }

    public override Tensor forward(Tensor planes)
    {
        var (_, h) = _rnn.call(SequencePlanes.ToSteps(planes), null);
        return _project.call(h.permute(1, 0, 2).reshape(planes.shape[0], 2 * Hidden));
    }
}
