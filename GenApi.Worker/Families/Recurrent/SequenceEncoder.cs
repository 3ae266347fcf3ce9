using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Families.Recurrent;

/// <summary>
/// The recurrent VAE's q(z|x): a GRU/LSTM stack reads the sequence (optionally both ways), and two linear heads map its
/// last layer's final states to the posterior mean and log-variance. A conditional encoder sees the label one-hot at every step.
/// </summary>
public sealed class SequenceEncoder : LatentEncoder
{
    private readonly Recurrence _rnn;
    private readonly Linear _mean;
    private readonly Linear _logVariance;
    private readonly int _classes;
    private readonly int _layers;
    private readonly int _directions;

    public SequenceEncoder(ModelConfig config) : base(nameof(SequenceEncoder))
    {
        var shape = config.Recurrent ?? throw new ArgumentException("A sequence encoder needs a recurrent config.");
        _classes = config.Classes;
        _layers = shape.Layers;
        _directions = shape.Bidirectional ? 2 : 1;
        _rnn = new Recurrence(shape.Cell, shape.Features + config.Classes, shape.HiddenSize, shape.Layers, shape.Bidirectional);
        // state size: (directions · hidden) → latent
        _mean = Linear(_directions * shape.HiddenSize, config.LatentDim);
        _logVariance = Linear(_directions * shape.HiddenSize, config.LatentDim);
        RegisterComponents();
    }

    public override (Tensor Mean, Tensor LogVariance) forward(Tensor planes, Tensor? labels)
    {
        var steps = SequencePlanes.ToSteps(planes);
        if (_classes > 0) steps = SequencePlanes.WithLabel(steps, labels, _classes);
        var (_, state) = _rnn.Run(steps, null);
        var batch = steps.shape[0];
        // h: [layers·directions, B, H] → the last layer's directions side by side, [B, directions·H].
        var last = state.H.view(_layers, _directions, batch, -1)[-1].permute(1, 0, 2).reshape(batch, -1);
        return (_mean.call(last), _logVariance.call(last));
    }
}
