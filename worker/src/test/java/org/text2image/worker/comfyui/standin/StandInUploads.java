package org.text2image.worker.comfyui.standin;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's {@code POST /upload/image} (server.py {@code upload_image}, ComfyUI 0.8): multipart
 * fields {@code image} (the file), {@code subfolder}, {@code type} ({@code input} by default) and
 * {@code overwrite}; stores the file and answers {@code {"name", "subfolder", "type"}}. Without
 * {@code overwrite} an identical file already under the name keeps the name, a different one is
 * stored as {@code name (1).ext}. 400 without an {@code image} part or for a subfolder that leaves
 * the folder.
 */
final class StandInUploads {

    /** An answer: the HTTP status and, for 200, the JSON body. */
    record Answer(int status, Optional<ObjectNode> body) {
    }

    private record Field(String filename, byte[] bytes) {
    }

    private StandInUploads() {
    }

    static Answer upload(StandInState state, String contentType, byte[] body) {
        Map<String, Field> fields = parse(contentType, body);
        Field image = fields.get("image");
        if (image == null || image.filename() == null || image.filename().isEmpty()) {
            return new Answer(400, Optional.empty());
        }
        String subfolder = text(fields.get("subfolder"));
        String type = fields.containsKey("type") ? text(fields.get("type")) : "input";
        boolean overwrite = List.of("true", "1").contains(text(fields.get("overwrite")));
        if (!List.of("input", "temp", "output").contains(type) || subfolder.startsWith("/")
                || List.of(subfolder.split("[/\\\\]")).contains("..") || image.filename().contains("/")) {
            return new Answer(400, Optional.empty());
        }
        String filename = image.filename();
        int dot = filename.lastIndexOf('.');
        String stem = dot < 0 ? filename : filename.substring(0, dot);
        String extension = dot < 0 ? "" : filename.substring(dot);
        boolean duplicate = false;
        for (int i = 1; !overwrite; i++) {
            byte[] existing = state.file(type, subfolder, filename);
            if (existing == null) {
                break;
            }
            if (Arrays.equals(existing, image.bytes())) {
                duplicate = true;
                break;
            }
            filename = stem + " (" + i + ")" + extension;
        }
        if (!duplicate) {
            state.putFile(type, subfolder, filename, image.bytes());
        }
        return new Answer(200, Optional.of(JsonNodeFactory.instance.objectNode().put("name", filename)
                .put("subfolder", subfolder).put("type", type)));
    }

    private static String text(Field field) {
        return field == null ? "" : new String(field.bytes(), StandardCharsets.UTF_8);
    }

    /** A multipart/form-data body's parts by name (RFC 7578); the last part of a name wins. */
    private static Map<String, Field> parse(String contentType, byte[] body) {
        Map<String, Field> fields = new HashMap<>();
        int at = contentType == null ? -1 : contentType.indexOf("boundary=");
        if (at < 0) {
            return fields;
        }
        String boundary = contentType.substring(at + "boundary=".length()).split(";")[0].replace("\"", "").strip();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        for (int start = text.indexOf(delimiter); start >= 0; ) {
            int headersStart = start + delimiter.length();
            if (text.startsWith("--", headersStart)) {
                break;
            }
            int headersEnd = text.indexOf("\r\n\r\n", headersStart);
            int next = text.indexOf("\r\n" + delimiter, headersEnd);
            if (headersEnd < 0 || next < 0) {
                break;
            }
            String headers = text.substring(headersStart, headersEnd);
            String name = attribute(headers, "name");
            if (name != null) {
                fields.put(name, new Field(attribute(headers, "filename"),
                        Arrays.copyOfRange(body, headersEnd + 4, next)));
            }
            start = next + 2;
        }
        return fields;
    }

    private static String attribute(String headers, String attribute) {
        int at = headers.indexOf("; " + attribute + "=\"");
        if (at < 0) {
            return null;
        }
        int from = at + attribute.length() + 4;
        return new String(headers.substring(from, headers.indexOf('"', from)).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8);
    }
}
