using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SsoFlows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AllowIdpInitiated",
                table: "sso_strategies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ClockSkewSeconds",
                table: "sso_strategies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "IdentityAttribute",
                table: "sso_strategies",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtocolCacheError",
                table: "sso_strategies",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtocolCacheJson",
                table: "sso_strategies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ProtocolCacheRefreshAt",
                table: "sso_strategies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtocolOptionsJson",
                table: "sso_strategies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SpKeysProtected",
                table: "sso_strategies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "replay_cache",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_replay_cache", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sso_flow_states",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HandleHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    DataProtected = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sso_flow_states", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sso_flow_states_sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sso_identity_links",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sso_identity_links", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sso_identity_links_sso_strategies_SsoStrategyId",
                        column: x => x.SsoStrategyId,
                        principalTable: "sso_strategies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_sso_identity_links_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sso_strategies_ProtocolCacheRefreshAt",
                table: "sso_strategies",
                column: "ProtocolCacheRefreshAt");

            migrationBuilder.CreateIndex(
                name: "IX_replay_cache_ExpiresAt",
                table: "replay_cache",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_replay_cache_Key",
                table: "replay_cache",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sso_flow_states_ExpiresAt",
                table: "sso_flow_states",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_sso_flow_states_HandleHash",
                table: "sso_flow_states",
                column: "HandleHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sso_flow_states_SiteId",
                table: "sso_flow_states",
                column: "SiteId");

            migrationBuilder.CreateIndex(
                name: "IX_sso_identity_links_SiteId_UserId",
                table: "sso_identity_links",
                columns: new[] { "SiteId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_sso_identity_links_SsoStrategyId_Issuer_Subject",
                table: "sso_identity_links",
                columns: new[] { "SsoStrategyId", "Issuer", "Subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sso_identity_links_UserId",
                table: "sso_identity_links",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "replay_cache");

            migrationBuilder.DropTable(
                name: "sso_flow_states");

            migrationBuilder.DropTable(
                name: "sso_identity_links");

            migrationBuilder.DropIndex(
                name: "IX_sso_strategies_ProtocolCacheRefreshAt",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "AllowIdpInitiated",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "ClockSkewSeconds",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "IdentityAttribute",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "ProtocolCacheError",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "ProtocolCacheJson",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "ProtocolCacheRefreshAt",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "ProtocolOptionsJson",
                table: "sso_strategies");

            migrationBuilder.DropColumn(
                name: "SpKeysProtected",
                table: "sso_strategies");
        }
    }
}
