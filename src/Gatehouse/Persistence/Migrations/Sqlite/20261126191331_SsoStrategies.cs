using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SsoStrategies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sso_strategies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LabelNormalized = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DisplayOnLoginPage = table.Column<bool>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    LogoUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    CredentialKey = table.Column<string>(type: "TEXT", maxLength: 1100, nullable: true),
                    SamlProviderMetadataUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    SamlProviderMetadataContent = table.Column<string>(type: "TEXT", maxLength: 524288, nullable: true),
                    SamlProviderIssuerUrl = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    SamlProviderSsoTargetUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    SamlProviderSloTargetUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    SamlProviderCertFingerprint = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Subdomain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ClientSecretProtected = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    OidcIssuerUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ScimAuthenticationMethod = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ScimUsername = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ScimPasswordHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    ScimTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    ScimTokenExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ProvisionUsers = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProvisionGroups = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeprovisionUsers = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeprovisionGroups = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeprovisionBehavior = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProvisionGroupDefault = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProvisionGroupInclusion = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProvisionGroupExclusion = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProvisionGroupRequired = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProvisionSiteAdminGroups = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProvisionCompany = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ProvisionDavPermission = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProvisionFtpPermission = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProvisionSftpPermission = table.Column<bool>(type: "INTEGER", nullable: false),
                    LdapType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    LdapHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    LdapHost2 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    LdapHost3 = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    LdapPort = table.Column<int>(type: "INTEGER", nullable: true),
                    LdapSecure = table.Column<bool>(type: "INTEGER", nullable: false),
                    LdapStartTls = table.Column<bool>(type: "INTEGER", nullable: false),
                    LdapUsername = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    LdapPasswordProtected = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    LdapDomain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    LdapBaseDn = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    LdapUsernameField = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LdapCaCertificate = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sso_strategies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sso_strategies_sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_SsoStrategyId",
                table: "users",
                column: "SsoStrategyId");

            migrationBuilder.CreateIndex(
                name: "IX_sso_strategies_CredentialKey",
                table: "sso_strategies",
                column: "CredentialKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sso_strategies_ScimTokenHash",
                table: "sso_strategies",
                column: "ScimTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sso_strategies_SiteId_LabelNormalized",
                table: "sso_strategies",
                columns: new[] { "SiteId", "LabelNormalized" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_users_sso_strategies_SsoStrategyId",
                table: "users",
                column: "SsoStrategyId",
                principalTable: "sso_strategies",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_users_sso_strategies_SsoStrategyId",
                table: "users");

            migrationBuilder.DropTable(
                name: "sso_strategies");

            migrationBuilder.DropIndex(
                name: "IX_users_SsoStrategyId",
                table: "users");
        }
    }
}
