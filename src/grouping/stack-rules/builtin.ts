import { parseStackRules, type StackRule } from "./parse.ts";

/**
 * LightTrace's built-in stack-trace rules, in Sentry's syntax. They run before the project's own
 * rules (which therefore win) and re-mark library frames that SDKs report as in-app: Debian's
 * sentry-python 1.9 marks every frame in-app, sentry-go marks module-cache and -trimpath dependency
 * frames in-app, sentry-php marks `vendor/` in-app, @sentry/node misses `node_modules\` on Windows.
 * Paths are matched case-insensitively with `\` read as `/`. Taken from Sentry's base
 * enhancements (src/sentry/grouping/enhancer/enhancement-configs/) plus the library locations
 * real SDK stacks show; README "Grouping" lists them.
 */
export const BUILTIN_STACK_RULES_TEXT = `## every platform: vendored dependencies (Composer, Go, Bundler)
stack.abs_path:**/vendor/** -app

## Unix library locations
stack.package:/lib/** -app
stack.package:/usr/lib/** -app
stack.abs_path:/usr/local/lib/** -app
stack.abs_path:/usr/local/Cellar/** -app
stack.abs_path:/opt/homebrew/Cellar/** -app
stack.abs_path:**/.local/share/** -app

## Python: installed packages and the standard library
stack.abs_path:**/site-packages/** -app
stack.abs_path:**/dist-packages/** -app
stack.abs_path:**/lib/python?.*/** -app
stack.abs_path:**/python3*/lib/** -app
stack.abs_path:"<frozen *>" -app

## JavaScript: packages, CDNs, Node's own modules, transpiler helpers, task queues
stack.abs_path:**/node_modules/** -app
stack.abs_path:node:** -app
stack.module:unpkg/** -app
stack.abs_path:**https://unpkg.com/** -app
stack.abs_path:**https://cdnjs.cloudflare.com/** -app
stack.abs_path:**https://cdn.jsdelivr.net/** -app
stack.abs_path:**https://esm.run/** -app
family:javascript stack.function:reportError ^-app -app
stack.module:@babel/** -app -group
stack.module:core-js/** -app -group
stack.module:regenerator-runtime/** -app -group
stack.module:tslib/** -app -group
family:javascript stack.function:runMicrotasks -app -group
family:javascript stack.function:queueMicrotask -app -group
family:javascript stack.function:processTicksAndRejections -app -group
family:javascript stack.function:runNextTicks -app -group
family:javascript stack.function:nextTick -app -group

## Go: the module cache, -trimpath dependency paths (module@version/…), Go installations
stack.abs_path:**/go/pkg/mod/** -app
family:other stack.abs_path:**/*@v[0-9]*/** -app
stack.abs_path:/usr/local/go/src/** -app
stack.abs_path:/usr/lib/go/src/** -app
stack.abs_path:/usr/lib/go-*/src/** -app
stack.abs_path:**/hostedtoolcache/go/** -app
stack.abs_path:**/sdk/go1.*/src/** -app
stack.abs_path:"C:/Program Files/Go/src/**" -app

## Ruby: installed gems
stack.abs_path:**/bundle/gems/** -app
stack.abs_path:**/ruby/gems/** -app
stack.abs_path:**/.rvm/gems/** -app

## Java and Kotlin: the JDK and common frameworks
family:other stack.module:java.* -app
family:other stack.module:javax.* -app
family:other stack.module:jdk.* -app
family:other stack.module:sun.* -app
family:other stack.module:com.sun.* -app
family:other stack.module:kotlin.* -app
family:other stack.module:kotlinx.* -app
family:other stack.module:org.springframework.* -app
family:other stack.module:org.apache.* -app
family:other stack.module:org.hibernate.* -app
family:other stack.module:com.fasterxml.* -app
family:other stack.module:io.netty.* -app
family:other stack.module:reactor.core.* -app
family:other stack.module:io.sentry.* -app -group

## .NET: the framework
family:other stack.module:System.* -app
family:other stack.module:Microsoft.* -app
`;

/** The built-in rules, parsed once. */
export const BUILTIN_STACK_RULES: readonly StackRule[] = parseStackRules(BUILTIN_STACK_RULES_TEXT);
