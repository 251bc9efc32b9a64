using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimProvisioning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scim_deactivations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_deactivations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scim_deactivations_sso_strategies_SsoStrategyId",
                        column: x => x.SsoStrategyId,
                        principalTable: "sso_strategies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_groups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    GroupId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scim_groups_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_scim_groups_sso_strategies_SsoStrategyId",
                        column: x => x.SsoStrategyId,
                        principalTable: "sso_strategies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_holds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HeldCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ProviderUserCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ApprovedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ApprovedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_holds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scim_holds_sso_strategies_SsoStrategyId",
                        column: x => x.SsoStrategyId,
                        principalTable: "sso_strategies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RequestPath = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    RequestMethod = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    HttpResponseCode = table.Column<int>(type: "INTEGER", nullable: false),
                    UserAgent = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    RequestJson = table.Column<string>(type: "TEXT", nullable: true),
                    ResponseJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_logs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scim_logs_sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_user_profiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<long>(type: "INTEGER", nullable: false),
                    SsoStrategyId = table.Column<long>(type: "INTEGER", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AttributesJson = table.Column<string>(type: "TEXT", maxLength: 32768, nullable: true),
                    Deleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_user_profiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_scim_user_profiles_sso_strategies_SsoStrategyId",
                        column: x => x.SsoStrategyId,
                        principalTable: "sso_strategies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_scim_user_profiles_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_imports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FileBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    DryRun = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdateExisting = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreateGroups = table.Column<bool>(type: "INTEGER", nullable: false),
                    TotalRows = table.Column<int>(type: "INTEGER", nullable: false),
                    ProcessedRows = table.Column<int>(type: "INTEGER", nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UnchangedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    GroupsCreatedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PasswordRows = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCount = table.Column<int>(type: "INTEGER", nullable: false),
                    WarningCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuesJson = table.Column<string>(type: "TEXT", nullable: false),
                    FailureMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ClaimedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    HeartbeatAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_imports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_imports_sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_import_chunks",
                columns: table => new
                {
                    ImportId = table.Column<long>(type: "INTEGER", nullable: false),
                    Seq = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_import_chunks", x => new { x.ImportId, x.Seq });
                    table.ForeignKey(
                        name: "FK_user_import_chunks_user_imports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "user_imports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_scim_deactivations_SsoStrategyId_CreatedAt",
                table: "scim_deactivations",
                columns: new[] { "SsoStrategyId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_groups_GroupId",
                table: "scim_groups",
                column: "GroupId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scim_groups_SsoStrategyId_ExternalId",
                table: "scim_groups",
                columns: new[] { "SsoStrategyId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scim_holds_SsoStrategyId_Status",
                table: "scim_holds",
                columns: new[] { "SsoStrategyId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_logs_CreatedAt",
                table: "scim_logs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_scim_logs_SiteId_Id",
                table: "scim_logs",
                columns: new[] { "SiteId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_SsoStrategyId_ExternalId",
                table: "scim_user_profiles",
                columns: new[] { "SsoStrategyId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_UserId",
                table: "scim_user_profiles",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_imports_SiteId_Id",
                table: "user_imports",
                columns: new[] { "SiteId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_user_imports_Status_HeartbeatAt",
                table: "user_imports",
                columns: new[] { "Status", "HeartbeatAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scim_deactivations");

            migrationBuilder.DropTable(
                name: "scim_groups");

            migrationBuilder.DropTable(
                name: "scim_holds");

            migrationBuilder.DropTable(
                name: "scim_logs");

            migrationBuilder.DropTable(
                name: "scim_user_profiles");

            migrationBuilder.DropTable(
                name: "user_import_chunks");

            migrationBuilder.DropTable(
                name: "user_imports");
        }
    }
}
