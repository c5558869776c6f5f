package io.tracemark.verifier.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tracemark.verifier.SuspectRecord;
import io.tracemark.verifier.text.TextPipeline;
import io.tracemark.verifier.text.TextPipeline.InvalidTextException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The one JSONL record reader: one line (a JSON object) to a {@link SuspectRecord}, or the reason
 * it is bad. Field names come from {@link Fields}. The precedence rule, the same for the answer and
 * the prompt: <b>a text field that is present (not null) wins over the token-id field</b>, whose
 * value is then not used; a present text field is tokenized with the {@link TextPipeline}; without
 * a text field the token ids are used; the answer is required (neither field is a bad record), the
 * prompt is optional. The id field (a string or an integer) names the record, else the line does.
 * When {@link Fields#weights()} names a field, every record must carry it: an array of finite
 * numbers ≥ 0, one per answer token (of the tokens the answer is scored from).
 *
 * <p>A line is bad when it is not one JSON object, a field has the wrong type or is given twice,
 * text is not valid UTF-8 or Unicode, the answer is empty, or a token id (given or from the
 * tokenizer) lies outside the vocabulary. Strings are bounded by the record limit. Immutable and
 * thread-safe (the tokenizer is).
 */
public final class JsonlRecordParser {
  private final Fields fields;
  private final TextPipeline text;
  private final int vocabularySize;
  private final String vocabularySource;
  private final JsonFactory json;

  /**
   * A parser.
   *
   * @param text the text pipeline for text fields, or null when the input is token ids only
   * @param vocabularySize token ids must lie in [0, vocabularySize)
   * @param vocabularySource where the vocabulary size comes from, appended to out-of-vocabulary
   *     reasons, or null
   * @param maxRecordBytes the record limit, which also bounds strings
   */
  public JsonlRecordParser(Fields fields, TextPipeline text, int vocabularySize, String vocabularySource,
      long maxRecordBytes) {
    this.fields = Objects.requireNonNull(fields, "fields");
    this.text = text;
    this.vocabularySize = vocabularySize;
    this.vocabularySource = vocabularySource;
    // strings are bounded by the record limit instead of Jackson's default of 20 M characters;
    // a field given twice is an error rather than "the last one wins"
    int maxString = (int) Math.min(maxRecordBytes, Integer.MAX_VALUE);
    this.json = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  /**
   * The outcome of parsing one record: the record, or where and why it is bad.
   *
   * @param record the record, or null when bad
   * @param where the bad record's name ({@code file:line}, with its id when known)
   * @param reason why it is bad (no content of the record), or null
   */
  public record Parsed(SuspectRecord record, String where, String reason) {}

  private static Parsed badParsed(String where, String reason) {
    return new Parsed(null, where, reason);
  }

  /**
   * Parses a whole text file as one record (decoded as UTF-8, a leading BOM removed, tokenized).
   *
   * @param where the file, as messages name it
   */
  public Parsed parseText(String where, byte[] bytes) {
    if (fields.weights() != null) {
      return badParsed(where, String.format(Locale.ROOT, "a plain-text file carries no per-token weights (field "
          + "\"%s\"): give the records as JSONL", fields.weights()));
    }
    int[] tokens;
    try {
      tokens = tokenize(where, TextPipeline.decodeDocument(bytes));
    } catch (InvalidTextException e) {
      return badParsed(where, e.getMessage());
    }
    if (tokens.length == 0) {
      return badParsed(where, "empty record");
    }
    String range = outsideVocabulary(tokens, "text");
    if (range != null) {
      return badParsed(where, range);
    }
    return new Parsed(new SuspectRecord(where, tokens), null, null);
  }

  /** A field value collected by the streaming parser: text, token ids, or why it is unusable. */
  private static final class Value {
    String text;
    int[] ids;
    String problem;
    boolean present;
  }

  private static String kind(JsonToken t) {
    switch (t) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      default:
        return "null";
    }
  }

  /**
   * Parses one JSONL line with Jackson's streaming parser (no tree: token arrays go straight into
   * an int array), then applies the precedence rule of the class comment.
   *
   * @param where the line, as messages name it ({@code file:line})
   */
  public Parsed parseLine(String where, byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    String line = null;
    if (!ascii) {
      try {
        line = TextPipeline.decode(bytes);
      } catch (InvalidTextException e) {
        return badParsed(where, e.getMessage());
      }
    }
    String id = null;
    String idProblem = null;
    Value text = new Value();
    Value ids = new Value();
    Value prompt = new Value();
    Value promptIds = new Value();
    Value weights = new Value();
    double[] weightValues = null;
    // pure ASCII (token-id records) is parsed from the bytes, skipping the String
    try (JsonParser p = line == null ? json.createParser(bytes) : json.createParser(line)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        if (t == null) {
          return badParsed(where, "malformed JSON: no content");
        }
        p.skipChildren();
        if (p.nextToken() != null) {
          return badParsed(where, "malformed JSON: trailing content after the value");
        }
        return badParsed(where, "a record must be a JSON object");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals(fields.id())) {
          if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
            id = p.getText();
          } else if (t != JsonToken.VALUE_NULL) {
            idProblem = String.format(Locale.ROOT, "field \"%s\" must be a string or an integer, was %s", fields.id(),
                kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.text()) || name.equals(fields.prompt())) {
          Value v = name.equals(fields.text()) ? text : prompt;
          v.present = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.VALUE_STRING) {
            v.text = p.getText();
          } else if (v.present) {
            v.problem = String.format(Locale.ROOT, "field \"%s\" must be a string, was %s", name, kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.weights())) {
          weights.present = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.START_ARRAY) {
            weightValues = readWeights(p, name, weights);
          } else if (weights.present) {
            weights.problem = String.format(Locale.ROOT, "field \"%s\" must be an array of numbers, was %s", name,
                kind(t));
            p.skipChildren();
          }
        } else if (name.equals(fields.tokens()) || name.equals(fields.promptTokens())) {
          Value v = name.equals(fields.tokens()) ? ids : promptIds;
          v.present = t != JsonToken.VALUE_NULL;
          if (t == JsonToken.START_ARRAY) {
            v.ids = readIds(p, name, v);
          } else if (v.present) {
            v.problem = String.format(Locale.ROOT, "field \"%s\" must be an array of integers, was %s", name,
                kind(t));
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return badParsed(where, "malformed JSON: trailing content after the object");
      }
    } catch (JsonProcessingException e) {
      return badParsed(where, jsonProblem(e));
    } catch (IOException e) {
      return badParsed(where, "malformed JSON: " + Inputs.message(e));
    }
    if (idProblem != null) {
      return badParsed(where, idProblem);
    }
    if (id != null) {
      try {
        TextPipeline.checkText(id);
      } catch (InvalidTextException e) {
        return badParsed(where, "field \"" + fields.id() + "\": " + e.getMessage());
      }
    }
    String recordId = id == null ? where : id;
    String label = recordId.equals(where) ? where : where + " (" + recordId + ")";
    String[] problem = new String[1];
    int[] answer = resolve(text, ids, fields.text(), fields.tokens(), true, problem, where);
    if (answer == null) {
      return badParsed(label, problem[0]);
    }
    int[] promptTokens = resolve(prompt, promptIds, fields.prompt(), fields.promptTokens(), false, problem, where);
    if (promptTokens == null) {
      return badParsed(label, problem[0]);
    }
    if (fields.weights() == null) {
      return new Parsed(new SuspectRecord(recordId, answer, promptTokens), null, null);
    }
    if (!weights.present) {
      return badParsed(label, String.format(Locale.ROOT, "record has no \"%s\" (the per-token weights)",
          fields.weights()));
    }
    if (weights.problem != null) {
      return badParsed(label, weights.problem);
    }
    String misfit = SuspectRecord.weightsProblem(weightValues, answer.length);
    if (misfit != null) {
      return badParsed(label, "field \"" + fields.weights() + "\": " + misfit);
    }
    return new Parsed(new SuspectRecord(recordId, answer, promptTokens, weightValues), null, null);
  }

  /** The reason for a JSON syntax error; a field given twice is named as such. */
  private static String jsonProblem(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    m = m.replace('\n', ' ').replace('\r', ' ');
    if (e instanceof JsonParseException && m.startsWith("Duplicate")) {
      int q = m.indexOf('\'');
      int end = m.lastIndexOf('\'');
      int dq = m.indexOf('"');
      int dend = m.lastIndexOf('"');
      String name = q >= 0 && end > q ? m.substring(q + 1, end) : dq >= 0 && dend > dq ? m.substring(dq + 1, dend)
          : null;
      return name == null ? "a field is given twice (" + m + ")" : "field \"" + name + "\" is given twice";
    }
    return "malformed JSON: " + m;
  }

  /** Reads an array of token ids; on the first bad element records the problem and skips the rest. */
  private int[] readIds(JsonParser p, String field, Value v) throws IOException {
    int[] out = new int[64];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input in an array");
      }
      if (v.problem != null) {
        p.skipChildren();
        continue;
      }
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d] must be an integer, was %s", field, n,
            t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : kind(t));
        p.skipChildren();
        continue;
      }
      int id = p.getIntValue();
      if (id < 0 || id >= vocabularySize) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d]: token id must be between 0 and %d, was %d%s", field,
            n, vocabularySize - 1, id, sourceSuffix());
        continue;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = id;
    }
    return v.problem != null ? null : Arrays.copyOf(out, n);
  }

  /** Reads an array of weights; on the first bad element records the problem and skips the rest. */
  private static double[] readWeights(JsonParser p, String field, Value v) throws IOException {
    double[] out = new double[64];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input in an array");
      }
      if (v.problem != null) {
        p.skipChildren();
        continue;
      }
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d] must be a number, was %s", field, n, kind(t));
        p.skipChildren();
        continue;
      }
      double w = p.getDoubleValue();
      if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
        v.problem = String.format(Locale.ROOT, "field \"%s\"[%d] must be a finite number >= 0, was %s", field, n,
            p.getText());
        continue;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = w;
    }
    return v.problem != null ? null : Arrays.copyOf(out, n);
  }

  private String sourceSuffix() {
    return vocabularySource == null ? "" : " (" + vocabularySource + ")";
  }

  /** Why token ids from the tokenizer lie outside the vocabulary, or null when they all lie inside. */
  private String outsideVocabulary(int[] tokens, String field) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
        return String.format(Locale.ROOT, "%s: the tokenizer gave token id %d at token %d, outside the vocabulary: "
            + "ids must be between 0 and %d%s", field, tokens[i], i, vocabularySize - 1, sourceSuffix());
      }
    }
    return null;
  }

  /** The token ids of a text/ids field pair; null with {@code problem[0]} set when bad. */
  private int[] resolve(Value textValue, Value ids, String textField, String tokenField, boolean required,
      String[] problem, String where) {
    if (textValue.present) {
      if (textValue.problem != null) {
        problem[0] = textValue.problem;
        return null;
      }
      int[] t;
      try {
        t = tokenize(where, textValue.text);
      } catch (InvalidTextException e) {
        problem[0] = "field \"" + textField + "\": " + e.getMessage();
        return null;
      }
      if (t.length == 0 && required) {
        problem[0] = "empty record";
        return null;
      }
      String range = outsideVocabulary(t, "field \"" + textField + "\"");
      if (range != null) {
        problem[0] = range;
        return null;
      }
      return t;
    }
    if (ids.present) {
      if (ids.problem != null) {
        problem[0] = ids.problem;
        return null;
      }
      if (ids.ids.length == 0 && required) {
        problem[0] = "empty record";
        return null;
      }
      return ids.ids;
    }
    if (required) {
      problem[0] = String.format(Locale.ROOT, "record has neither \"%s\" nor \"%s\"", textField, tokenField);
      return null;
    }
    return new int[0];
  }

  private int[] tokenize(String where, String s) {
    if (text == null) {
      throw new InputException(where + ": text input needs a tokenizer");
    }
    return text.encode(s);
  }

}
