using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Families.Recurrent;

/// <summary>
/// The recurrent VAE's p(x|z): z (with the one-hot label, for conditional models) sets the initial hidden state through a
/// linear layer and is also fed at every step, so the decoder cannot forget it. Each step reads the previous step's values
/// and emits the next in [-1, 1]. Training feeds the true previous step (teacher forcing, one call over the whole
/// sequence); sampling feeds back its own output (free running, step by step). Input dropout (Bowman et al.'s word
/// dropout) zeroes a share of the teacher-forced inputs, so the decoder has to take what it cannot read from z; at 1 it
/// never reads past values, in training or sampling (the VRAE of Fabius &amp; van Amersfoort).
/// </summary>
public sealed class SequenceDecoder : ImageGenerator
{
    private readonly Recurrence _rnn;
    private readonly Linear _initial;
    private readonly Linear _head;
    private readonly int _features;
    private readonly int _layers;
    private readonly int _hidden;
    private readonly double _inputDropout;

    public SequenceDecoder(ModelConfig config) : base(nameof(SequenceDecoder), config)
    {
        var shape = config.Recurrent ?? throw new ArgumentException("A sequence decoder needs a recurrent config.");
        (_features, _layers, _hidden, _inputDropout) = (shape.Features, shape.Layers, shape.HiddenSize, shape.InputDropout);
        var conditioning = config.LatentDim + config.Classes;
        _initial = Linear(conditioning, shape.Layers * shape.HiddenSize);
        // input per step: previous values (features) + z and label (conditioning)
        _rnn = new Recurrence(shape.Cell, shape.Features + conditioning, shape.HiddenSize, shape.Layers, bidirectional: false);
        _head = Linear(shape.HiddenSize, shape.Features);
        RegisterComponents();
    }

    /// <summary>Free running: <c>[B, latent]</c> → <c>[B, C, T, W]</c>.</summary>
    public override Tensor forward(Tensor z, Tensor? labels)
    {
        var conditioning = Conditioning(z, labels);
        var state = InitialState(conditioning);
        var input = conditioning.unsqueeze(1);
        var previous = zeros(z.shape[0], 1, _features, device: z.device);
        var steps = new Tensor[Config.ImageSize];
        for (var t = 0; t < steps.Length; t++)
        {
            Tensor output;
            (output, state) = _rnn.Run(cat([previous, input], 2), state);
            steps[t] = _head.call(output).tanh();
            // A decoder trained never to read past values is not shown them now either.
            if (_inputDropout < 1) previous = steps[t];
        }
        return SequencePlanes.ToPlanes(cat(steps, 1), Config.Channels);
    }

    /// <summary>Teacher forcing: step t reads the target's step t − 1 (zeros before the first); in training (a
    /// <paramref name="random"/> stream given) each step's input is zeroed with the input-dropout probability.</summary>
    public override Tensor Decode(Tensor z, Tensor? labels, Tensor target, Generator? random = null)
    {
        var conditioning = Conditioning(z, labels);
        var truth = SequencePlanes.ToSteps(target);
        var (batch, length) = (truth.shape[0], truth.shape[1]);
        var previous = cat([zeros(batch, 1, _features, device: z.device), truth.narrow(1, 0, length - 1)], 1);
        if (_inputDropout >= 1) previous = zeros_like(previous);
        else if (_inputDropout > 0 && random is not null)
            previous = previous * empty(batch, length, 1, device: z.device).uniform_(0, 1, generator: random).ge(_inputDropout).to(previous.dtype);
        var (output, _) = _rnn.Run(cat([previous, conditioning.unsqueeze(1).expand(-1, length, -1)], 2), InitialState(conditioning));
        return SequencePlanes.ToPlanes(_head.call(output).tanh(), Config.Channels);
    }

    private Tensor Conditioning(Tensor z, Tensor? labels) =>
        Config.Conditional ? cat([z, functional.one_hot(labels!, Config.Classes).to(z.dtype)], 1) : z;

    // [B, layers·H] → [layers, B, H]
    private RecurrentState InitialState(Tensor conditioning) =>
        new(_initial.call(conditioning).tanh().view(-1, _layers, _hidden).transpose(0, 1).contiguous(), null);
}
