namespace GenApi.Worker.Models;

/// <summary>The model families and what sets each apart.</summary>
public static class ModelFamily
{
    public const string Gan = "gan";
    public const string Dcgan = "dcgan";
    public const string Cdcgan = "cdcgan";
    public const string WganGp = "wgan-gp";
    public const string Vae = "vae";
    public const string Cvae = "cvae";

    public static IReadOnlyList<string> Names { get; } = [Gan, Dcgan, Cdcgan, WganGp, Vae, Cvae];

    public static bool IsVae(string family) => family is Vae or Cvae;

    public static bool IsConditional(string family) => family is Cdcgan or Cvae;

    /// <summary>Builds the generator (for VAEs: the decoder) of a config.</summary>
    public static ImageGenerator CreateGenerator(ModelConfig config) =>
        config.Family == Gan ? new MlpGenerator(config) : new DcganGenerator(config);
}
