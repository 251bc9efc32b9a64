using System.Text;

namespace Gatehouse.Saml.Tests;

/// <summary>Bad input is a value, never an exception: corrupted, truncated and oddly encoded messages.</summary>
public class RobustnessTests
{
    [Theory]
    [InlineData(Vectors.Baseline)]
    [InlineData("valid-both-signed")]
    [InlineData("valid-encrypted-aes256gcm-oaep")]
    [InlineData("valid-encrypted-aes128cbc-oaep256")]
    public void Validator_RandomlyCorruptedInput_NeverThrows(string vector)
    {
        var random = new Random(20300101);
        byte[] original = Vectors.Bytes(vector);
        var refused = 0;

        for (int i = 0; i < 400; i++)
        {
            byte[] mutated = (byte[])original.Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            if (i % 10 == 0) mutated = mutated[..random.Next(mutated.Length)];

            var result = SamlResponseValidator.Validate(Vectors.Parameters(vector) with { SamlResponse = null, SamlResponseXml = mutated });

            if (!result.Succeeded)
            {
                refused++;
                Assert.NotNull(result.Error);
            }
        }
        Assert.True(refused > 300, $"only {refused} of 400 corruptions were refused");
        Expect.Accepted(vector);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\" encoding=\"x-unknown\"?>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-16\"?>")]
    [InlineData("\uFEFF")]
    [InlineData("<?xml version=\"1.1\"?>")]
    public void Validator_OddXmlDeclaration_ReturnsAValue(string prefix)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(prefix + Encoding.UTF8.GetString(Vectors.Bytes(Vectors.Baseline)));

        var result = SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = null, SamlResponseXml = bytes });

        Assert.True(result.Succeeded || result.Error is not null);
    }

    [Fact]
    public void Validator_EmptyInput_IsRejected()
    {
        Assert.Equal(SamlErrorCode.InvalidEncoding, Vectors.Validate(Vectors.Baseline, p => p with { SamlResponse = "" }).Error?.Code);
        Assert.Equal(SamlErrorCode.MalformedXml,
            SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponse = null, SamlResponseXml = Array.Empty<byte>() }).Error?.Code);
    }

    [Fact]
    public void Validator_BothInputsSet_IsACallerBug()
    {
        Assert.Throws<ArgumentException>(() => SamlResponseValidator.Validate(Vectors.Parameters(Vectors.Baseline) with { SamlResponseXml = new byte[1] }));
    }
}
