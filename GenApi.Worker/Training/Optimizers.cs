using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>Builds the libtorch optimizer an <see cref="OptimizerSettings"/> names.</summary>
public static class Optimizers
{
    public static OptimizerHelper Create(this OptimizerSettings s, IEnumerable<Parameter> parameters) => s.Type switch
    {
        OptimizerSettings.Sgd => optim.SGD(parameters, s.LearningRate, s.Momentum, weight_decay: s.WeightDecay, nesterov: s.Nesterov),
        OptimizerSettings.Adam => optim.Adam(parameters, s.LearningRate, s.Beta1, s.Beta2, s.Eps, s.WeightDecay),
        OptimizerSettings.AdamW => optim.AdamW(parameters, s.LearningRate, s.Beta1, s.Beta2, s.Eps, s.WeightDecay),
        OptimizerSettings.RmsProp => optim.RMSProp(parameters, s.LearningRate, s.Alpha, s.Eps, s.WeightDecay, s.Momentum),
        OptimizerSettings.AdaGrad => optim.Adagrad(parameters, s.LearningRate, weight_decay: s.WeightDecay, eps: s.Eps),
        _ => throw new ArgumentException($"Unknown optimizer '{s.Type}'; expected one of: {string.Join(", ", OptimizerSettings.Types)}."),
    };
}
