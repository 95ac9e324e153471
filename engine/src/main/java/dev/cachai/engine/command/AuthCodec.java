package dev.cachai.engine.command;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Log encoding of auth commands (tags 40 and up). */
final class AuthCodec {
    static final int FIRST_TAG = 40;

    private AuthCodec() {}

    static void write(DataOutputStream out, AuthCommand c) throws IOException {
        if (c instanceof AuthCommand.Enable) {
            out.writeByte(40);
        } else if (c instanceof AuthCommand.Disable) {
            out.writeByte(41);
        } else if (c instanceof AuthCommand.UserAdd u) {
            out.writeByte(42);
            out.writeUTF(u.name());
            writeNullable(out, u.passwordHash());
            out.writeBoolean(u.noPassword());
        } else if (c instanceof AuthCommand.UserDelete u) {
            out.writeByte(43);
            out.writeUTF(u.name());
        } else if (c instanceof AuthCommand.UserChangePassword u) {
            out.writeByte(44);
            out.writeUTF(u.name());
            writeNullable(out, u.passwordHash());
        } else if (c instanceof AuthCommand.UserGrantRole g) {
            out.writeByte(45);
            out.writeUTF(g.user());
            out.writeUTF(g.role());
        } else if (c instanceof AuthCommand.UserRevokeRole r) {
            out.writeByte(46);
            out.writeUTF(r.name());
            out.writeUTF(r.role());
        } else if (c instanceof AuthCommand.RoleAdd r) {
            out.writeByte(47);
            out.writeUTF(r.name());
        } else if (c instanceof AuthCommand.RoleDelete r) {
            out.writeByte(48);
            out.writeUTF(r.role());
        } else if (c instanceof AuthCommand.RoleGrantPermission g) {
            out.writeByte(49);
            out.writeUTF(g.name());
            out.writeInt(g.permType());
            CommandCodec.writeBytes(out, g.key());
            CommandCodec.writeBytes(out, g.rangeEnd());
        } else {
            AuthCommand.RoleRevokePermission r = (AuthCommand.RoleRevokePermission) c;
            out.writeByte(50);
            out.writeUTF(r.role());
            CommandCodec.writeBytes(out, r.key());
            CommandCodec.writeBytes(out, r.rangeEnd());
        }
    }

    static AuthCommand read(DataInputStream in, int tag) throws IOException {
        return switch (tag) {
            case 40 -> new AuthCommand.Enable();
            case 41 -> new AuthCommand.Disable();
            case 42 -> new AuthCommand.UserAdd(in.readUTF(), readNullable(in), in.readBoolean());
            case 43 -> new AuthCommand.UserDelete(in.readUTF());
            case 44 -> new AuthCommand.UserChangePassword(in.readUTF(), readNullable(in));
            case 45 -> new AuthCommand.UserGrantRole(in.readUTF(), in.readUTF());
            case 46 -> new AuthCommand.UserRevokeRole(in.readUTF(), in.readUTF());
            case 47 -> new AuthCommand.RoleAdd(in.readUTF());
            case 48 -> new AuthCommand.RoleDelete(in.readUTF());
            case 49 -> new AuthCommand.RoleGrantPermission(in.readUTF(), in.readInt(),
                    CommandCodec.readBytes(in), CommandCodec.readBytes(in));
            case 50 -> new AuthCommand.RoleRevokePermission(in.readUTF(), CommandCodec.readBytes(in),
                    CommandCodec.readBytes(in));
            default -> throw new IllegalArgumentException("unknown auth command tag " + tag);
        };
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
