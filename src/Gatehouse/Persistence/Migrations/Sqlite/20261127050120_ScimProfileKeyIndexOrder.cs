using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimProfileKeyIndexOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_scim_user_profiles_SsoStrategyId_ExternalId",
                table: "scim_user_profiles");

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_ExternalId_SsoStrategyId",
                table: "scim_user_profiles",
                columns: new[] { "ExternalId", "SsoStrategyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_SsoStrategyId_UserId",
                table: "scim_user_profiles",
                columns: new[] { "SsoStrategyId", "UserId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_scim_user_profiles_ExternalId_SsoStrategyId",
                table: "scim_user_profiles");

            migrationBuilder.DropIndex(
                name: "IX_scim_user_profiles_SsoStrategyId_UserId",
                table: "scim_user_profiles");

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_SsoStrategyId_ExternalId",
                table: "scim_user_profiles",
                columns: new[] { "SsoStrategyId", "ExternalId" },
                unique: true);
        }
    }
}
