namespace GenApi.Worker.Families.Adversarial;

/// <summary>DCGAN (Radford et al. 2015): strided convolutions with batch norm; the default family.</summary>
public sealed class DcganFamily : AdversarialFamily
{
    public const string Id = "dcgan";
    public override string Name => Id;
    public override string Summary => "Convolutional generator and discriminator (Radford et al. 2015); the default.";
}
