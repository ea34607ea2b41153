package db.migration;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sslstream.contracts.events.Json;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * Copies the tags of versions created before V2 from their {@code tags_json} document into {@code version_tag}
 * rows. Done in Java because the two supported databases share no SQL for taking a JSON object apart.
 */
public class V3__Copy_tags_to_rows extends BaseJavaMigration {

    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
    };

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement read = c.createStatement();
             ResultSet rs = read.executeQuery("SELECT id, tags_json FROM model_version");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO version_tag (version_id, tag_key, tag_value) VALUES (?, ?, ?)")) {
            while (rs.next()) {
                Map<String, String> tags = Json.MAPPER.readValue(rs.getString(2), TAGS);
                for (Map.Entry<String, String> tag : tags.entrySet()) {
                    insert.setLong(1, rs.getLong(1));
                    insert.setString(2, tag.getKey());
                    insert.setString(3, tag.getValue());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
