using System.Collections.Concurrent;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Gatehouse.Oidc;
using Gatehouse.Sessions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Bench.Oidc;

/// <summary>
/// The CPU part of an OIDC callback — state lookup + ID token validation with cached JWKS keys — against
/// <see cref="JsonWebTokenHandler.ValidateTokenAsync(string, TokenValidationParameters)"/> alone with the same key,
/// issuer and audience. The state lookup is the handle's SHA-256 (as <c>SsoFlows</c> stores it) plus a dictionary
/// read standing in for the database row; the token endpoint round trip and the database are not measured.
/// </summary>
[MemoryDiagnoser]
public class CallbackValidationBenchmarks
{
    private const string Issuer = "https://login.example.test/tenant/v2.0";
    private const string ClientId = "bench-client";
    private const string Nonce = "n-0S6_WzA2Mj";
    private const long StrategyId = 42;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly OidcIdTokenValidator _validator = new();
    private readonly OidcKeyCache _keyCache = new();
    private readonly ConcurrentDictionary<string, OidcRequestState> _flows = new();
    private TokenValidationParameters _bare = null!;
    private OidcProviderCache _providerCache = null!;
    private string _token = null!;
    private string _state = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(true);
        var signingKey = new RsaSecurityKey(parameters) { KeyId = "key-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(new RSAParameters { Modulus = parameters.Modulus, Exponent = parameters.Exponent }) { KeyId = "key-1" });
        jwk.Use = "sig";
        jwk.Alg = "RS256";
        var jwksJson = System.Text.Json.JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = jwk.Use, alg = jwk.Alg, n = jwk.N, e = jwk.E } } });
        var now = DateTime.UtcNow;
        _providerCache = new OidcProviderCache
        {
            ForIssuer = Issuer, JwksJson = jwksJson, DiscoveredAt = now, JwksFetchedAt = now,
            Metadata = new OidcMetadata { Issuer = Issuer, IdTokenSigningAlgValuesSupported = ["RS256"] },
        };
        _token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = ClientId, IssuedAt = now, NotBefore = now, Expires = now.AddHours(2),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = "user-1", ["nonce"] = Nonce, ["preferred_username"] = "alice@example.test", ["tid"] = "tenant" },
        });
        _bare = new TokenValidationParameters
        {
            ValidIssuer = Issuer, ValidAudience = ClientId, IssuerSigningKeys = _keyCache.For(StrategyId, _providerCache),
            ValidAlgorithms = ["RS256"], RequireSignedTokens = true, RequireExpirationTime = true,
        };
        _state = SessionTokens.New(24);
        for (var i = 0; i < 10_000; i++) _flows[Convert.ToHexString(SessionTokens.Hash(SessionTokens.New(24)))] = Request();
        _flows[Convert.ToHexString(SessionTokens.Hash(_state))] = Request();
        if (!BareJsonWebTokenHandler().Result || !GatehouseCallbackValidation().Result) throw new InvalidOperationException("setup token does not validate");
    }

    private static OidcRequestState Request() => new(Nonce, "verifier", null, Issuer, "https://acme.example.test/oidc/42/callback", "query", "binding");

    [Benchmark(Baseline = true)]
    public async Task<bool> BareJsonWebTokenHandler() => (await _handler.ValidateTokenAsync(_token, _bare)).IsValid;

    [Benchmark]
    public async Task<bool> GatehouseCallbackValidation()
    {
        if (!_flows.TryGetValue(Convert.ToHexString(SessionTokens.Hash(_state)), out var request)) return false;
        var expectations = new IdTokenExpectations(_providerCache.Metadata.Issuer!, ClientId, request.Nonce, _keyCache.For(StrategyId, _providerCache),
            OidcDiscovery.AllowedAlgorithms(_providerCache.Metadata), TimeSpan.FromSeconds(180), "tenant");
        return (await _validator.ValidateAsync(_token, expectations)).Succeeded;
    }
}
