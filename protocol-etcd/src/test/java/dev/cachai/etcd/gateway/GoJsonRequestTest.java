package dev.cachai.etcd.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.cachai.etcd.proto.authpb.Permission;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.cachai.etcd.proto.etcdserverpb.Compare;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Request bodies read as etcd's gateway reads them; every expected text is what etcd 3.4.23 answered. */
class GoJsonRequestTest {

    private static List<Message> parse(MethodDescriptor<?, ?> md, String body) throws GoJson.GoJsonException {
        return GatewayRequests.parse(md, body.getBytes(StandardCharsets.UTF_8));
    }

    private static RangeRequest range(String body) throws GoJson.GoJsonException {
        return (RangeRequest) parse(KVGrpc.getRangeMethod(), body).get(0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not-json|invalid character 'o' in literal null (expecting 'u')",
        "garbage|invalid character 'g' looking for beginning of value",
        "{\"key\":\"YQ\\\"}|unexpected EOF",
        "{\"key\":\"YQ==\"|unexpected EOF",
        "[1]|json: cannot unmarshal array into Go value of type map[string]json.RawMessage",
        "5|json: cannot unmarshal number into Go value of type map[string]json.RawMessage",
        "\"s\"|json: cannot unmarshal string into Go value of type map[string]json.RawMessage",
        "true|json: cannot unmarshal bool into Go value of type map[string]json.RawMessage",
        "{\"key\":\"YQ==\",}|invalid character '}' looking for beginning of object key string",
        "{\"key\" \"x\"}|invalid character '\"' after object key",
        "{\"key\":tru}|invalid character '}' in literal true (expecting 'e')",
        "{\"key\":\"YQ==\" \"x\":1}|invalid character '\"' after object key:value pair",
        "{key:1}|invalid character 'k' looking for beginning of object key string",
        "{\"key\":\"\\q\"}|invalid character 'q' in string escape code",
        "{\"key\":\"YQ\"}|illegal base64 data at input byte 0",
        "{\"key\":\"YQ=a\"}|illegal base64 data at input byte 2",
        "{\"key\":\"a-b_\"}|illegal base64 data at input byte 1",
        "{\"key\":1}|json: cannot unmarshal number into Go value of type []uint8",
        "{\"key\":\"YQ==\",\"limit\":\"abc\"}|invalid character 'a' looking for beginning of value",
        "{\"key\":\"YQ==\",\"limit\":\"1.5\"}|json: cannot unmarshal number 1.5 into Go value of type int64",
        "{\"key\":\"YQ==\",\"limit\":1.5}|json: cannot unmarshal number 1.5 into Go value of type int64",
        "{\"key\":\"YQ==\",\"limit\":\"12x\"}|invalid character 'x' after top-level value",
        "{\"key\":\"YQ==\",\"limit\":\"99999999999999999999\"}|json: cannot unmarshal number 99999999999999999999 into Go value of type int64",
        "{\"key\":\"YQ==\",\"limit\":true}|json: cannot unmarshal bool into Go value of type int64",
        "{\"key\":\"YQ==\",\"serializable\":\"true\"}|json: cannot unmarshal string into Go value of type bool",
        "{\"key\":\"YQ==\",\"sort_target\":\"BOGUS\"}|unknown value \"BOGUS\" for enum etcdserverpb.RangeRequest_SortTarget",
        "{\"key\":\"YQ==\",\"sort_target\":\"value\"}|unknown value \"value\" for enum etcdserverpb.RangeRequest_SortTarget",
        "{\"key\":\"YQ==\",\"sort_order\":\"SIDEWAYS\"}|unknown value \"SIDEWAYS\" for enum etcdserverpb.RangeRequest_SortOrder",
    })
    void aBadRangeBodyIsRefusedWithEtcdsText(String body, String message) {
        assertThatThrownBy(() -> range(body)).isInstanceOf(GoJson.GoJsonException.class).hasMessage(message);
    }

    @Test
    void enumsInsideNestedAndRepeatedMessagesAreCheckedToo() {
        assertThatThrownBy(() -> parse(KVGrpc.getTxnMethod(),
                "{\"compare\":[{\"key\":\"YQ==\",\"target\":\"NOPE\",\"result\":\"EQUAL\"}]}"))
                .hasMessage("unknown value \"NOPE\" for enum etcdserverpb.Compare_CompareTarget");
        assertThatThrownBy(() -> parse(KVGrpc.getTxnMethod(), "{\"success\":[{\"request_range\":{\"key\":\"YQ==\","
                + "\"sort_order\":\"UP\"}}]}")).hasMessage("unknown value \"UP\" for enum etcdserverpb.RangeRequest_SortOrder");
        assertThatThrownBy(() -> parse(dev.cachai.etcd.proto.etcdserverpb.AuthGrpc.getRoleGrantPermissionMethod(),
                "{\"name\":\"r\",\"perm\":{\"permType\":\"RW\",\"key\":\"YQ==\"}}"))
                .hasMessage("unknown value \"RW\" for enum authpb.Permission_Type");
        assertThatThrownBy(() -> parse(KVGrpc.getTxnMethod(), "{\"compare\":\"x\"}"))
                .hasMessage("json: cannot unmarshal string into Go value of type []json.RawMessage");
    }

    @Test
    void wellFormedBodiesFillTheRequestAsJsonpbDoes() throws Exception {
        RangeRequest r = range("{\"key\":\"YQ==\",\"range_end\":\"Yw==\",\"limit\":\"2\",\"revision\":3,"
                + "\"sort_order\":\"DESCEND\",\"sort_target\":2,\"keysOnly\":true,\"count_only\":null,\"unknown\":[1,{}]}");
        assertThat(r.getKey()).isEqualTo(ByteString.copyFromUtf8("a"));
        assertThat(r.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("c"));
        assertThat(r.getLimit()).isEqualTo(2);
        assertThat(r.getRevision()).isEqualTo(3);
        assertThat(r.getSortOrder()).isEqualTo(RangeRequest.SortOrder.DESCEND);
        assertThat(r.getSortTarget()).isEqualTo(RangeRequest.SortTarget.CREATE);
        assertThat(r.getKeysOnly()).isTrue();
        // CR and LF inside base64 are skipped, as Go's decoder skips them.
        assertThat(range("{\"key\":\"YQ=\\n=\"}").getKey()).isEqualTo(ByteString.copyFromUtf8("a"));
        assertThat(range("null")).isEqualTo(RangeRequest.getDefaultInstance());
        assertThat(range("  ")).isEqualTo(RangeRequest.getDefaultInstance());
        // The proto name wins over the lowerCamel one.
        assertThat(range("{\"keys_only\":false,\"keysOnly\":true}").getKeysOnly()).isFalse();
        TxnRequest txn = (TxnRequest) parse(KVGrpc.getTxnMethod(), "{\"compare\":[{\"key\":\"YQ==\",\"target\":\"VALUE\","
                + "\"result\":\"EQUAL\",\"value\":\"Mg==\"}],\"success\":[{\"request_put\":{\"key\":\"Yw==\",\"value\":\"Mw==\"}}]}")
                .get(0);
        assertThat(txn.getCompare(0).getTarget()).isEqualTo(Compare.CompareTarget.VALUE);
        assertThat(txn.getCompare(0).getValue()).isEqualTo(ByteString.copyFromUtf8("2"));
        assertThat(txn.getSuccess(0).getRequestPut().getValue()).isEqualTo(ByteString.copyFromUtf8("3"));
        AuthRoleGrantPermissionRequest grant = (AuthRoleGrantPermissionRequest) parse(
                dev.cachai.etcd.proto.etcdserverpb.AuthGrpc.getRoleGrantPermissionMethod(),
                "{\"name\":\"r\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\"YQ==\"}}").get(0);
        assertThat(grant.getPerm().getPermType()).isEqualTo(Permission.Type.READWRITE);
        assertThat(((LeaseKeepAliveRequest) parse(LeaseGrpc.getLeaseKeepAliveMethod(), "{\"ID\":\"-7\"}").get(0)).getID())
                .isEqualTo(-7);
    }

    @Test
    void aUnaryCallTakesItsFirstValueAndAStreamTakesValuesUpToOneItCannotRead() throws Exception {
        assertThat(parse(KVGrpc.getRangeMethod(), "{\"key\":\"YQ==\"}{\"key\":\"Yg==\"} xx")).hasSize(1);
        List<Message> watches = parse(WatchGrpc.getWatchMethod(), "{\"create_request\":{\"key\":\"YQ==\"}}\n"
                + "{\"progress_request\":{}} {\"cancel_request\":{\"watch_id\":\"1\"}} nonsense {\"progress_request\":{}}");
        assertThat(watches).extracting(m -> ((WatchRequest) m).getRequestUnionCase()).containsExactly(
                WatchRequest.RequestUnionCase.CREATE_REQUEST, WatchRequest.RequestUnionCase.PROGRESS_REQUEST,
                WatchRequest.RequestUnionCase.CANCEL_REQUEST);
        assertThatThrownBy(() -> parse(WatchGrpc.getWatchMethod(), "nonsense"))
                .hasMessage("invalid character 'o' in literal null (expecting 'u')");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "{\"key\":\"YQ==\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> range(deep)).hasMessage("exceeded max depth");
        String fine = "{\"key\":\"YQ==\",\"x\":" + "[".repeat(GoJson.NESTING_DEPTH_MAX - 1)
                + "]".repeat(GoJson.NESTING_DEPTH_MAX - 1) + "}";
        assertThatCode(() -> range(fine)).doesNotThrowAnyException();
    }

    @Test
    void goQuotesTheOffendingByteAsItsScannerDoes() {
        assertThat(GoJson.quoteChar('\'')).isEqualTo("'\\''");
        assertThat(GoJson.quoteChar('"')).isEqualTo("'\"'");
        assertThat(GoJson.quoteChar('\\')).isEqualTo("'\\\\'");
        assertThat(GoJson.quoteChar('\n')).isEqualTo("'\\n'");
        assertThat(GoJson.quoteChar(1)).isEqualTo("'\\x01'");
        assertThat(GoJson.quoteChar(0x85)).isEqualTo("'\\u0085'");
        assertThat(GoJson.quoteChar(0xe9)).isEqualTo("'é'");
    }
}
