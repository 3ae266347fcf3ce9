using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenApi.Worker.Families.Recurrent;

/// <summary>A stack of GRU or LSTM layers behind one call shape, batch first; the state is h (and an LSTM's c).</summary>
public sealed class Recurrence : Module
{
    private readonly GRU? _gru;
    private readonly LSTM? _lstm;

    public Recurrence(string cell, long inputSize, long hiddenSize, long layers, bool bidirectional) : base(nameof(Recurrence))
    {
        if (cell == RecurrentShape.Lstm) _lstm = LSTM(inputSize, hiddenSize, layers, batchFirst: true, bidirectional: bidirectional);
        else _gru = GRU(inputSize, hiddenSize, layers, batchFirst: true, bidirectional: bidirectional);
        RegisterComponents();
    }

    /// <summary>Runs <paramref name="input"/> <c>[B, T, in]</c> from <paramref name="state"/> (zeros when null).</summary>
    /// <returns>Every step's top-layer output <c>[B, T, H·directions]</c> and the final state <c>[layers·directions, B, H]</c>.</returns>
    public (Tensor Output, RecurrentState State) Run(Tensor input, RecurrentState? state)
    {
        if (_gru is not null)
        {
            var (output, h) = _gru.call(input, state?.H);
            return (output, new RecurrentState(h, null));
        }
        var (lstmOutput, hn, cn) = _lstm!.call(input, state is { } s ? (s.H, s.C ?? zeros_like(s.H)) : null);
        return (lstmOutput, new RecurrentState(hn, cn));
    }
}

/// <summary>A recurrent stack's state: hidden h, and an LSTM's cell c (null for GRUs).</summary>
public sealed record RecurrentState(Tensor H, Tensor? C);
