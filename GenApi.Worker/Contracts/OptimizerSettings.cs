namespace GenApi.Worker.Contracts;

/// <summary>One network's optimizer and its hyperparameters (PyTorch names and defaults, except the DCGAN-paper Adam).</summary>
public sealed record OptimizerSettings
{
    public const string Sgd = "sgd";
    public const string Adam = "adam";
    public const string AdamW = "adamw";
    public const string RmsProp = "rmsprop";
    public const string AdaGrad = "adagrad";

    public static IReadOnlyList<string> Types { get; } = [Sgd, Adam, AdamW, RmsProp, AdaGrad];

    public string Type { get; init; } = Adam;
    public double LearningRate { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    /// <summary>Momentum of SGD and RMSprop.</summary>
    public double Momentum { get; init; }
    public bool Nesterov { get; init; }
    /// <summary>L2 weight decay inside the optimizer (decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }
    /// <summary>RMSprop's smoothing constant.</summary>
    public double Alpha { get; init; } = 0.99;
}
