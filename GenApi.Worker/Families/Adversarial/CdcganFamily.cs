namespace GenApi.Worker.Families.Adversarial;

/// <summary>Class-conditional DCGAN (Mirza &amp; Osindero 2014 on DCGAN networks): both networks see the label.</summary>
public sealed class CdcganFamily : AdversarialFamily
{
    public const string Id = "cdcgan";
    public override string Name => Id;
    public override string Summary => "Class-conditional DCGAN: samples on demand per class (needs a labelled dataset).";
    public override bool Conditional => true;
}
